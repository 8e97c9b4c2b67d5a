CREATE TABLE "catalog"."oncall_handoff_notification_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"contact_method_id" text NOT NULL,
	"notify_advance_in_minutes" integer NOT NULL,
	"handoff_type" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "catalog"."oncall_handoff_notification_rules" ADD CONSTRAINT "oncall_handoff_notification_rules_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "catalog"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "catalog"."oncall_handoff_notification_rules" ADD CONSTRAINT "oncall_handoff_notification_rules_contact_method_id_contact_methods_id_fk" FOREIGN KEY ("contact_method_id") REFERENCES "catalog"."contact_methods"("id") ON DELETE cascade ON UPDATE no action;