ALTER TABLE "contracts" DROP CONSTRAINT "contracts_kind_shape";--> statement-breakpoint
DROP INDEX "verifications_one_open_per_account";--> statement-breakpoint
DROP INDEX "verifications_credit_code_claimed";--> statement-breakpoint
DROP INDEX "verifications_id_number_claimed";--> statement-breakpoint
ALTER TABLE "verifications" ADD COLUMN "renames_id" uuid;--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "supplement_seq" integer;--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "rename_verification_id" uuid;--> statement-breakpoint
ALTER TABLE "verifications" ADD CONSTRAINT "verifications_renames_id_verifications_id_fk" FOREIGN KEY ("renames_id") REFERENCES "public"."verifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_rename_verification_id_verifications_id_fk" FOREIGN KEY ("rename_verification_id") REFERENCES "public"."verifications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_one_pending_rename" ON "verifications" USING btree ("account_id") WHERE "verifications"."status" = 'pending' and "verifications"."renames_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_supplement_seq_unique" ON "contracts" USING btree ("framework_id","supplement_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "contracts_supplement_rename_unique" ON "contracts" USING btree ("framework_id","rename_verification_id");--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_one_open_per_account" ON "verifications" USING btree ("account_id") WHERE "verifications"."status" = 'verified' or ("verifications"."status" = 'pending' and "verifications"."renames_id" is null);--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_credit_code_claimed" ON "verifications" USING btree ("credit_code") WHERE ("verifications"."status" = 'verified' or ("verifications"."status" = 'pending' and "verifications"."renames_id" is null)) and not "verifications"."is_appeal";--> statement-breakpoint
CREATE UNIQUE INDEX "verifications_id_number_claimed" ON "verifications" USING btree ("id_number") WHERE ("verifications"."status" = 'verified' or ("verifications"."status" = 'pending' and "verifications"."renames_id" is null)) and not "verifications"."is_appeal";--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_kind_shape" CHECK (("contracts"."kind" = 'framework' and "contracts"."framework_id" is null and "contracts"."attachment_seq" is null and "contracts"."supplement_seq" is null and "contracts"."term_years" in (1, 2, 3))
       or ("contracts"."kind" in ('icp_attachment', 'order_attachment') and "contracts"."framework_id" is not null and "contracts"."attachment_seq" >= 1 and "contracts"."supplement_seq" is null and "contracts"."term_years" is null)
       or ("contracts"."kind" = 'supplement' and "contracts"."framework_id" is not null and "contracts"."supplement_seq" >= 1 and "contracts"."attachment_seq" is null and "contracts"."term_years" is null and "contracts"."rename_verification_id" is not null));