CREATE TABLE "grouping"."status_updates" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"sender_id" text NOT NULL,
	"message" text NOT NULL,
	"subject" text,
	"html_message" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "status_updates_incident_idx" ON "grouping"."status_updates" USING btree ("incident_id","created_at");