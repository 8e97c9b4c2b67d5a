CREATE TABLE "ingest"."rate_buckets" (
	"integration_id" text NOT NULL,
	"bucket_start" bigint NOT NULL,
	"replica" text NOT NULL,
	"count" integer NOT NULL,
	CONSTRAINT "rate_buckets_integration_id_bucket_start_replica_pk" PRIMARY KEY("integration_id","bucket_start","replica")
);
--> statement-breakpoint
DROP TABLE "ingest"."rate_windows" CASCADE;