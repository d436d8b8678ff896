CREATE TABLE "contract_reminders" (
	"contract_id" uuid NOT NULL,
	"days_before" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contract_reminders_contract_id_days_before_pk" PRIMARY KEY("contract_id","days_before"),
	CONSTRAINT "contract_reminders_days" CHECK ("contract_reminders"."days_before" in (30, 7, 1))
);
--> statement-breakpoint
DROP INDEX "contracts_one_effective_framework";--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "renews_id" uuid;--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "remark" text;--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "hidden" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "contract_reminders" ADD CONSTRAINT "contract_reminders_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_renews_id_contracts_id_fk" FOREIGN KEY ("renews_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_renews_unique" ON "contracts" USING btree ("renews_id");--> statement-breakpoint
CREATE INDEX "contracts_scheduled_start_idx" ON "contracts" USING btree ("effective_at") WHERE "contracts"."status" = 'scheduled';--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_one_effective_framework" ON "contracts" USING btree ("account_id","status") WHERE "contracts"."kind" = 'framework' and "contracts"."status" in ('effective', 'scheduled');--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_remark_length" CHECK (char_length("contracts"."remark") <= 200);--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_hidden_ended" CHECK (not "contracts"."hidden" or "contracts"."status" in ('voided', 'terminated'));