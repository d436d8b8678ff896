CREATE TABLE "attachment_items" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"contract_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"in_force" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "icp_filings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"filing_number" text NOT NULL,
	"site_name" text NOT NULL,
	"domains" jsonb NOT NULL,
	"entity_name" text NOT NULL,
	"status" text NOT NULL,
	"approved_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"order_no" text NOT NULL,
	"product" text NOT NULL,
	"spec" text NOT NULL,
	"quantity" integer NOT NULL,
	"amount_fen" bigint NOT NULL,
	"paid_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_amount" CHECK ("orders"."amount_fen" >= 0),
	CONSTRAINT "orders_quantity" CHECK ("orders"."quantity" > 0)
);
--> statement-breakpoint
ALTER TABLE "attachment_items" ADD CONSTRAINT "attachment_items_contract_id_contracts_id_fk" FOREIGN KEY ("contract_id") REFERENCES "public"."contracts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "icp_filings" ADD CONSTRAINT "icp_filings_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "attachment_items_one_in_force" ON "attachment_items" USING btree ("item_kind","item_id") WHERE "attachment_items"."in_force";--> statement-breakpoint
CREATE UNIQUE INDEX "attachment_items_position" ON "attachment_items" USING btree ("contract_id","position");--> statement-breakpoint
CREATE INDEX "attachment_items_item_idx" ON "attachment_items" USING btree ("item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "icp_filings_account_number" ON "icp_filings" USING btree ("account_id","filing_number");--> statement-breakpoint
CREATE UNIQUE INDEX "orders_account_order_no" ON "orders" USING btree ("account_id","order_no");--> statement-breakpoint
CREATE INDEX "orders_account_paid_idx" ON "orders" USING btree ("account_id","paid_at","id");