CREATE SEQUENCE "public"."framework_number_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "contract_documents" (
	"contract_id" uuid PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"bytes" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contracts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"number" text NOT NULL,
	"kind" text NOT NULL,
	"framework_id" uuid,
	"attachment_seq" integer,
	"status" text NOT NULL,
	"copies" integer NOT NULL,
	"term_years" integer,
	"effective_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"party_a" jsonb NOT NULL,
	"party_b" jsonb NOT NULL,
	"template_version" text NOT NULL,
	"sha256" text NOT NULL,
	"signatures" jsonb NOT NULL,
	"status_reason" text,
	"status_changed_at" timestamp with time zone,
	"status_changed_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contracts_kind_shape" CHECK (("contracts"."kind" = 'framework' and "contracts"."framework_id" is null and "contracts"."attachment_seq" is null and "contracts"."term_years" in (1, 2, 3))
       or ("contracts"."kind" <> 'framework' and "contracts"."framework_id" is not null and "contracts"."attachment_seq" between 1 and 99 and "contracts"."term_years" is null)),
	CONSTRAINT "contracts_copies" CHECK ("contracts"."copies" in (2, 3)),
	CONSTRAINT "contracts_term" CHECK ("contracts"."expires_at" > "contracts"."effective_at"),
	CONSTRAINT "contracts_sha256" CHECK ("contracts"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "contracts_status_reason" CHECK ("contracts"."status" not in ('voided', 'terminated') or "contracts"."status_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"route" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
CREATE TABLE "pki_material" (
	"id" text PRIMARY KEY NOT NULL,
	"data" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contract_documents" ADD CONSTRAINT "contract_documents_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_framework_id_contracts_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_status_changed_by_users_id_fk" FOREIGN KEY ("status_changed_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contract_documents_sha256_unique" ON "contract_documents" USING btree ("sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_number_unique" ON "contracts" USING btree ("number");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_one_effective_framework" ON "contracts" USING btree ("account_id") WHERE "contracts"."kind" = 'framework' and "contracts"."status" = 'effective';--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_attachment_seq_unique" ON "contracts" USING btree ("framework_id","attachment_seq");--> statement-breakpoint
CREATE INDEX "contracts_account_created_idx" ON "contracts" USING btree ("account_id","created_at","id");--> statement-breakpoint
CREATE INDEX "contracts_created_idx" ON "contracts" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "contracts_framework_idx" ON "contracts" USING btree ("framework_id");