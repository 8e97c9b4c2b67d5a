ALTER TABLE "notify"."attempts" ADD COLUMN "provider_status" text;--> statement-breakpoint
ALTER TABLE "notify"."attempts" ADD COLUMN "provider_status_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "attempts_provider_ref_idx" ON "notify"."attempts" USING btree ("provider_ref");