CREATE TABLE "signings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"framework_id" uuid,
	"terms" jsonb NOT NULL,
	"status" text NOT NULL,
	"draft_sha256" text NOT NULL,
	"draft" "bytea" NOT NULL,
	"code_hash" text NOT NULL,
	"code_expires_at" timestamp with time zone NOT NULL,
	"code_sent_at" timestamp with time zone NOT NULL,
	"wrong_tries" integer DEFAULT 0 NOT NULL,
	"destinations" jsonb NOT NULL,
	"number" text,
	"attachment_seq" integer,
	"key_custody" text,
	"certificate_pem" text,
	"prepared" "bytea",
	"prepared_meta" jsonb,
	"to_be_signed" "bytea",
	"contract_id" uuid,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signings_kind" CHECK ("signings"."kind" in ('framework', 'renewal', 'icp_attachment', 'order_attachment')),
	CONSTRAINT "signings_status" CHECK ("signings"."status" in ('awaiting_code', 'awaiting_signature', 'completed', 'ended')),
	CONSTRAINT "signings_key_custody" CHECK ("signings"."key_custody" is null or "signings"."key_custody" in ('signer', 'platform')),
	CONSTRAINT "signings_wrong_tries" CHECK ("signings"."wrong_tries" between 0 and 5),
	CONSTRAINT "signings_kind_shape" CHECK (("signings"."kind" = 'framework' and "signings"."framework_id" is null) or ("signings"."kind" <> 'framework' and "signings"."framework_id" is not null)),
	CONSTRAINT "signings_draft_sha256" CHECK ("signings"."draft_sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "signings_completed" CHECK ("signings"."status" <> 'completed' or "signings"."contract_id" is not null),
	CONSTRAINT "signings_seq_attachment" CHECK ("signings"."attachment_seq" is null or "signings"."kind" in ('icp_attachment', 'order_attachment')),
	CONSTRAINT "signings_code_hash" CHECK ("signings"."code_hash" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "signings_number_held" CHECK ("signings"."status" <> 'awaiting_signature' or "signings"."number" is not null)
);
--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "channel" text DEFAULT 'email' NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "carries_code" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "contract_jobs" ADD COLUMN "signing" jsonb;--> statement-breakpoint
ALTER TABLE "signings" ADD CONSTRAINT "signings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signings" ADD CONSTRAINT "signings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signings" ADD CONSTRAINT "signings_framework_id_contracts_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "signings" ADD CONSTRAINT "signings_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signings_account_idx" ON "signings" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "signings_contract_unique" ON "signings" USING btree ("contract_id");--> statement-breakpoint
CREATE UNIQUE INDEX "signings_held_seq_unique" ON "signings" USING btree ("framework_id","attachment_seq") WHERE "signings"."status" = 'awaiting_signature';