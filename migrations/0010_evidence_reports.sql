CREATE TABLE "evidence_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"contract_sha256" text NOT NULL,
	"last_event_seq" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "evidence_reports_sha256_hex" CHECK ("evidence_reports"."sha256" ~ '^[0-9a-f]{64}$' and "evidence_reports"."contract_sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "evidence_reports" ADD CONSTRAINT "evidence_reports_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "evidence_reports_sha256_unique" ON "evidence_reports" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "evidence_reports_contract_idx" ON "evidence_reports" USING btree ("contract_id","last_event_seq");--> statement-breakpoint
-- Hand-written: the report is a deflated PDF already (as migration 0005 for contract_documents).
ALTER TABLE "evidence_reports" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
