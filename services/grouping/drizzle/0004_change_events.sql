CREATE TABLE "grouping"."change_events" (
	"id" text PRIMARY KEY NOT NULL,
	"integration_id" text NOT NULL,
	"service_id" text NOT NULL,
	"summary" text NOT NULL,
	"source" text DEFAULT '' NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"custom_details" jsonb,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"images" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "change_events_service_occurred_idx" ON "grouping"."change_events" USING btree ("service_id","occurred_at");--> statement-breakpoint
CREATE INDEX "change_events_occurred_idx" ON "grouping"."change_events" USING btree ("occurred_at");