CREATE SEQUENCE "public"."stamping_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid,
	"to_address" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "stamping_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL,
	"status" text NOT NULL,
	"actor_user_id" uuid,
	"actor_role" text NOT NULL,
	"note" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stamping_request_contracts" (
	"request_id" uuid NOT NULL,
	"contract_id" uuid NOT NULL,
	"copies" integer NOT NULL,
	"is_open" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stamping_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"number" text NOT NULL,
	"account_id" uuid NOT NULL,
	"status" text NOT NULL,
	"carrier" text NOT NULL,
	"tracking_number" text NOT NULL,
	"return_carrier" text,
	"return_tracking_number" text,
	"reject_reason" text,
	"returned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stamping_requests_returned" CHECK ("stamping_requests"."status" not in ('returned', 'completed') or "stamping_requests"."return_tracking_number" is not null),
	CONSTRAINT "stamping_requests_rejected" CHECK (("stamping_requests"."status" = 'rejected') = ("stamping_requests"."reject_reason" is not null))
);
--> statement-breakpoint
CREATE TABLE "stamping_return_addresses" (
	"request_id" uuid PRIMARY KEY NOT NULL,
	"recipient" text NOT NULL,
	"phone" text NOT NULL,
	"province" text NOT NULL,
	"city" text NOT NULL,
	"district" text NOT NULL,
	"street" text NOT NULL,
	"postal_code" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_history" ADD CONSTRAINT "stamping_history_request_id_stamping_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."stamping_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_history" ADD CONSTRAINT "stamping_history_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_request_contracts" ADD CONSTRAINT "stamping_request_contracts_request_id_stamping_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."stamping_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_request_contracts" ADD CONSTRAINT "stamping_request_contracts_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_requests" ADD CONSTRAINT "stamping_requests_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stamping_return_addresses" ADD CONSTRAINT "stamping_return_addresses_request_id_stamping_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."stamping_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("next_attempt_at") WHERE "outbox"."sent_at" is null;--> statement-breakpoint
CREATE INDEX "stamping_history_request_idx" ON "stamping_history" USING btree ("request_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "stamping_request_contracts_pk" ON "stamping_request_contracts" USING btree ("request_id","contract_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stamping_one_open_request_per_contract" ON "stamping_request_contracts" USING btree ("contract_id") WHERE "stamping_request_contracts"."is_open";--> statement-breakpoint
CREATE UNIQUE INDEX "stamping_requests_number_unique" ON "stamping_requests" USING btree ("number");--> statement-breakpoint
CREATE INDEX "stamping_requests_status_idx" ON "stamping_requests" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "stamping_requests_account_idx" ON "stamping_requests" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "stamping_requests_tracking_idx" ON "stamping_requests" USING btree ("tracking_number");