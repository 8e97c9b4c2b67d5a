CREATE TABLE "notify"."attempts" (
	"id" text PRIMARY KEY NOT NULL,
	"request_id" text NOT NULL,
	"incident_id" text NOT NULL,
	"user_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"escalation_cycle" integer NOT NULL,
	"escalation_level" integer NOT NULL,
	"contact_method_id" text NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"urgency" text NOT NULL,
	"reason" text NOT NULL,
	"service_id" text NOT NULL,
	"incident_title" text NOT NULL,
	"incident_number" bigint NOT NULL,
	"state" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"tries" integer DEFAULT 0 NOT NULL,
	"detail" text,
	"provider_ref" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "notify"."channel_windows" (
	"user_id" text NOT NULL,
	"channel" text NOT NULL,
	"open_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify"."incident_state" (
	"incident_id" text PRIMARY KEY NOT NULL,
	"version" bigint NOT NULL,
	"status" text NOT NULL,
	"service_id" text NOT NULL,
	"assigned_user_ids" jsonb NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify"."inbox" (
	"message_id" text PRIMARY KEY NOT NULL,
	"processed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notify"."outgoing_posts" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"kind" text NOT NULL,
	"target" text NOT NULL,
	"order_key" text NOT NULL,
	"body" text NOT NULL,
	"state" text NOT NULL,
	"tries" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"detail" text,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "outgoing_posts_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "notify"."webhook_subscriptions" (
	"id" text PRIMARY KEY NOT NULL,
	"delivery_method_id" text NOT NULL,
	"description" text,
	"events" text[] NOT NULL,
	"filter_type" text NOT NULL,
	"filter_id" text,
	"url" text NOT NULL,
	"custom_headers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"secret" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"temporarily_disabled" boolean DEFAULT false NOT NULL,
	"consecutive_drops" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "attempts_key_idx" ON "notify"."attempts" USING btree ("incident_id","user_id","rule_id","escalation_cycle");--> statement-breakpoint
CREATE INDEX "attempts_due_idx" ON "notify"."attempts" USING btree ("state","due_at");--> statement-breakpoint
CREATE INDEX "attempts_incident_idx" ON "notify"."attempts" USING btree ("incident_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_windows_key_idx" ON "notify"."channel_windows" USING btree ("user_id","channel");--> statement-breakpoint
CREATE INDEX "outgoing_posts_due_idx" ON "notify"."outgoing_posts" USING btree ("state","next_attempt_at");--> statement-breakpoint
CREATE INDEX "outgoing_posts_order_idx" ON "notify"."outgoing_posts" USING btree ("target","order_key","seq");