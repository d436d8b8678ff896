CREATE TABLE "contract_job_items" (
	"job_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "contract_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"framework_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"item_ids" jsonb NOT NULL,
	"actor" jsonb NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"progress" integer DEFAULT 0 NOT NULL,
	"contract_id" uuid,
	"error_code" text,
	"error_message" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"claimed_until" timestamp with time zone,
	"claim_token" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "contract_jobs_progress" CHECK ("contract_jobs"."progress" between 0 and 100),
	CONSTRAINT "contract_jobs_outcome" CHECK (("contract_jobs"."state" = 'done') = ("contract_jobs"."contract_id" is not null) and ("contract_jobs"."state" = 'failed') = ("contract_jobs"."error_code" is not null))
);
--> statement-breakpoint
CREATE TABLE "periodic_tasks" (
	"name" text PRIMARY KEY NOT NULL,
	"next_run_at" timestamp with time zone DEFAULT now() NOT NULL,
	"claimed_until" timestamp with time zone,
	"claim_token" uuid,
	"last_run_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "contract_job_items" ADD CONSTRAINT "contract_job_items_job_id_contract_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."contract_jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_jobs" ADD CONSTRAINT "contract_jobs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_jobs" ADD CONSTRAINT "contract_jobs_framework_id_contracts_id_fk" FOREIGN KEY ("framework_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_jobs" ADD CONSTRAINT "contract_jobs_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contract_job_items_reserved" ON "contract_job_items" USING btree ("item_kind","item_id");--> statement-breakpoint
CREATE INDEX "contract_job_items_job_idx" ON "contract_job_items" USING btree ("job_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contract_jobs_contract_unique" ON "contract_jobs" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "contract_jobs_pending_idx" ON "contract_jobs" USING btree ("created_at") WHERE "contract_jobs"."state" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "contract_jobs_account_idx" ON "contract_jobs" USING btree ("account_id","created_at");