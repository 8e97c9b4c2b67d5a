CREATE TABLE "escalation"."handoff_plan" (
	"name" text PRIMARY KEY NOT NULL,
	"fingerprint" text NOT NULL,
	"planned_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "escalation"."handoff_timers" (
	"key" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"contact_method_id" text NOT NULL,
	"schedule_id" text NOT NULL,
	"kind" text NOT NULL,
	"shift_start" timestamp with time zone NOT NULL,
	"shift_end" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"fired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "handoff_timers_due_idx" ON "escalation"."handoff_timers" USING btree ("due_at") WHERE "escalation"."handoff_timers"."fired_at" is null;