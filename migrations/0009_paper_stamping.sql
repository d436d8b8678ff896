CREATE TABLE "contract_stamped_scans" (
	"contract_id" uuid PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL,
	"sha256" text NOT NULL,
	"size" integer NOT NULL,
	"bytes" "bytea" NOT NULL,
	"uploaded_by" uuid,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "contract_stamped_scans_sha256" CHECK ("contract_stamped_scans"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "contract_stamped_scans_size" CHECK ("contract_stamped_scans"."size" > 0 and "contract_stamped_scans"."size" <= 20971520)
);
--> statement-breakpoint
ALTER TABLE "stamping_requests" ALTER COLUMN "carrier" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stamping_requests" ALTER COLUMN "tracking_number" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "stamping_history" ADD COLUMN "kind" text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "contract_stamped_scans" ADD CONSTRAINT "contract_stamped_scans_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_stamped_scans" ADD CONSTRAINT "contract_stamped_scans_request_id_stamping_requests_id_fk" FOREIGN KEY ("request_id") REFERENCES "public"."stamping_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contract_stamped_scans" ADD CONSTRAINT "contract_stamped_scans_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "contract_stamped_scans_request_idx" ON "contract_stamped_scans" USING btree ("request_id");--> statement-breakpoint
ALTER TABLE "stamping_requests" ADD CONSTRAINT "stamping_requests_courier_pair" CHECK (("stamping_requests"."carrier" is null) = ("stamping_requests"."tracking_number" is null));--> statement-breakpoint
ALTER TABLE "stamping_requests" ADD CONSTRAINT "stamping_requests_shipped" CHECK ("stamping_requests"."status" in ('awaiting_shipment', 'cancelled') or "stamping_requests"."tracking_number" is not null);--> statement-breakpoint
-- Hand-written: the scan is compressed already (as contract_documents, 0005), and it is stored once.
ALTER TABLE "contract_stamped_scans" ALTER COLUMN "bytes" SET STORAGE EXTERNAL;--> statement-breakpoint
CREATE FUNCTION contract_stamped_scan_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a stamped scan is stored once and never changed' USING ERRCODE = 'restrict_violation';
END;
$$;--> statement-breakpoint
CREATE TRIGGER contract_stamped_scan_no_update
  BEFORE UPDATE OR DELETE ON "contract_stamped_scans"
  FOR EACH ROW EXECUTE FUNCTION contract_stamped_scan_immutable();
