CREATE TABLE "rate_limit_hits" (
	"key" text PRIMARY KEY NOT NULL,
	"hits" integer NOT NULL,
	"reset_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "contracts" DROP CONSTRAINT "contracts_kind_shape";--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "locked_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD COLUMN "effect_id" uuid;--> statement-breakpoint
ALTER TABLE "contracts" ADD CONSTRAINT "contracts_kind_shape" CHECK (("contracts"."kind" = 'framework' and "contracts"."framework_id" is null and "contracts"."attachment_seq" is null and "contracts"."term_years" in (1, 2, 3))
       or ("contracts"."kind" <> 'framework' and "contracts"."framework_id" is not null and "contracts"."attachment_seq" >= 1 and "contracts"."term_years" is null));