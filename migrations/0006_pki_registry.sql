CREATE TABLE "pki_certificates" (
	"serial" text PRIMARY KEY NOT NULL,
	"issuer_serial" text NOT NULL,
	"purpose" text NOT NULL,
	"subject" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"not_after" timestamp with time zone NOT NULL,
	"issued_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"revocation_reason" text,
	"account_id" uuid,
	"der" "bytea" NOT NULL,
	CONSTRAINT "pki_certificates_purpose" CHECK ("pki_certificates"."purpose" in ('root', 'issuing', 'party_b', 'event', 'tsa', 'ocsp')),
	CONSTRAINT "pki_certificates_reason" CHECK ("pki_certificates"."revocation_reason" in ('unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation')),
	CONSTRAINT "pki_certificates_revoked" CHECK (("pki_certificates"."revoked_at" is null) = ("pki_certificates"."revocation_reason" is null)),
	CONSTRAINT "pki_certificates_serial_hex" CHECK ("pki_certificates"."serial" ~ '^[0-9A-F]+$' and "pki_certificates"."issuer_serial" ~ '^[0-9A-F]+$')
);
--> statement-breakpoint
CREATE TABLE "pki_crls" (
	"issuer_serial" text PRIMARY KEY NOT NULL,
	"crl_number" bigint NOT NULL,
	"this_update" timestamp with time zone NOT NULL,
	"next_update" timestamp with time zone NOT NULL,
	"der" "bytea" NOT NULL,
	CONSTRAINT "pki_crls_window" CHECK ("pki_crls"."next_update" > "pki_crls"."this_update")
);
--> statement-breakpoint
ALTER TABLE "pki_certificates" ADD CONSTRAINT "pki_certificates_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "pki_certificates_revoked_idx" ON "pki_certificates" USING btree ("issuer_serial") WHERE "pki_certificates"."revoked_at" is not null;