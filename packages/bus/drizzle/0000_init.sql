CREATE SCHEMA "bus";
--> statement-breakpoint
CREATE TABLE "bus"."group_partitions" (
	"consumer_group" text NOT NULL,
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"committed_offset" bigint DEFAULT 0 NOT NULL,
	"owner" text,
	"lease_expires_at" timestamp with time zone,
	CONSTRAINT "group_partitions_consumer_group_topic_partition_pk" PRIMARY KEY("consumer_group","topic","partition")
);
--> statement-breakpoint
CREATE TABLE "bus"."members" (
	"consumer_group" text NOT NULL,
	"member_id" text NOT NULL,
	"topics" text[] NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "members_consumer_group_member_id_pk" PRIMARY KEY("consumer_group","member_id")
);
--> statement-breakpoint
CREATE TABLE "bus"."messages" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"offset" bigint NOT NULL,
	"key" text NOT NULL,
	"value" "bytea" NOT NULL,
	"headers" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"appended_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_topic_partition_offset_pk" PRIMARY KEY("topic","partition","offset")
);
--> statement-breakpoint
CREATE TABLE "bus"."partitions" (
	"topic" text NOT NULL,
	"partition" integer NOT NULL,
	"next_offset" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "partitions_topic_partition_pk" PRIMARY KEY("topic","partition")
);
--> statement-breakpoint
CREATE TABLE "bus"."topics" (
	"name" text PRIMARY KEY NOT NULL,
	"partitions" integer NOT NULL,
	"compacted" boolean NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "topics_partitions_positive" CHECK ("bus"."topics"."partitions" > 0)
);
--> statement-breakpoint
ALTER TABLE "bus"."partitions" ADD CONSTRAINT "partitions_topic_topics_name_fk" FOREIGN KEY ("topic") REFERENCES "bus"."topics"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "messages_key_idx" ON "bus"."messages" USING btree ("topic","partition","key","offset");