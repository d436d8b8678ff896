-- Substring search (ILIKE) through trigram indexes; PGlite loads the extension in client.ts.
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "verifications_status_idx";--> statement-breakpoint
DROP INDEX "stamping_requests_status_idx";--> statement-breakpoint
DROP INDEX "stamping_requests_account_idx";--> statement-breakpoint
ALTER TABLE "contracts" ADD COLUMN "party_a_name" text GENERATED ALWAYS AS (party_a ->> 'name') STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "users_account_idx" ON "users" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "contracts_status_created_idx" ON "contracts" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "contracts_kind_status_created_idx" ON "contracts" USING btree ("kind","status","created_at","id");--> statement-breakpoint
CREATE INDEX "contracts_number_trgm_idx" ON "contracts" USING gin ("number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contracts_party_a_name_trgm_idx" ON "contracts" USING gin ("party_a_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "contracts_effective_expiry_idx" ON "contracts" USING btree ("expires_at") WHERE "contracts"."status" = 'effective';--> statement-breakpoint
CREATE INDEX "stamping_request_contracts_contract_idx" ON "stamping_request_contracts" USING btree ("contract_id");--> statement-breakpoint
CREATE INDEX "stamping_requests_created_idx" ON "stamping_requests" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "stamping_requests_number_trgm_idx" ON "stamping_requests" USING gin ("number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "stamping_requests_tracking_trgm_idx" ON "stamping_requests" USING gin ("tracking_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "stamping_requests_return_tracking_trgm_idx" ON "stamping_requests" USING gin ("return_tracking_number" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "stamping_requests_returned_due_idx" ON "stamping_requests" USING btree ("returned_at") WHERE "stamping_requests"."status" = 'returned';--> statement-breakpoint
CREATE INDEX "verifications_status_idx" ON "verifications" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "stamping_requests_status_idx" ON "stamping_requests" USING btree ("status","created_at","id");--> statement-breakpoint
CREATE INDEX "stamping_requests_account_idx" ON "stamping_requests" USING btree ("account_id","created_at","id");