CREATE TABLE "ingest"."unsettled_events" (
	"fingerprint" text PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"dedup_key" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"settled" boolean DEFAULT false NOT NULL,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "unsettled_events_changed_idx" ON "ingest"."unsettled_events" USING btree ("changed_at");