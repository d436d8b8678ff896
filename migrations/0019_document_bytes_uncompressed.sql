-- PDFs, scans and images are compressed already: PostgreSQL's pglz spent several milliseconds
-- per contract trying to compress them again, for nothing (the stored size was the same).
-- EXTERNAL keeps them out of line, uncompressed. Existing rows keep their form until rewritten.
ALTER TABLE "contract_documents" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "evidence_reports" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "signings" ALTER COLUMN "draft" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "signings" ALTER COLUMN "prepared" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "contract_stamped_scans" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;--> statement-breakpoint
ALTER TABLE "verification_documents" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;
