CREATE TABLE "escalation"."runs" (
	"incident_id" text PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"level" integer NOT NULL,
	"cycle" integer NOT NULL,
	"assignee_ids" jsonb NOT NULL,
	"active" boolean NOT NULL,
	"due_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation"."inbox" (
	"message_id" text PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "runs_due_idx" ON "escalation"."runs" USING btree ("due_at") WHERE "escalation"."runs"."due_at" is not null;