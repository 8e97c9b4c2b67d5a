CREATE TABLE "catalog"."dead_letters" (
	"id" text PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"offset" text NOT NULL,
	"consumer_group" text NOT NULL,
	"reason" text NOT NULL,
	"attempts" integer NOT NULL,
	"error" text,
	"key" text NOT NULL,
	"value" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"appended_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "dead_letters_origin_key" ON "catalog"."dead_letters" USING btree ("topic","partition","offset","consumer_group");--> statement-breakpoint
CREATE INDEX "dead_letters_created_idx" ON "catalog"."dead_letters" USING btree ("created_at","id");