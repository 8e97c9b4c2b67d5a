-- Appends messages to the log in one call (one round trip, no transaction of the caller's): locks the
-- partitions it touches in (topic, partition) order, so concurrent appends never deadlock, numbers
-- each partition's messages in the order given from its next offset, and returns each touched
-- partition's new end. The locks hold until the call's transaction commits, so offsets become
-- visible in order. A partition that does not exist fails the whole call and appends nothing.
CREATE FUNCTION "bus"."append"(
  p_topics text[], p_partitions integer[], p_keys text[], p_values bytea[], p_headers jsonb[]
) RETURNS TABLE (out_topic text, out_partition integer, out_next_offset bigint)
LANGUAGE plpgsql AS $$
DECLARE
  missing record;
BEGIN
  PERFORM 1 FROM "bus"."partitions" p
    WHERE (p.topic, p.partition) IN (SELECT DISTINCT u.t, u.pa FROM unnest(p_topics, p_partitions) AS u(t, pa))
    ORDER BY p.topic, p.partition
    FOR UPDATE;
  SELECT u.t, u.pa INTO missing FROM unnest(p_topics, p_partitions) AS u(t, pa)
    WHERE NOT EXISTS (SELECT 1 FROM "bus"."partitions" p WHERE p.topic = u.t AND p.partition = u.pa)
    LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'partition % of topic "%" does not exist', missing.pa, missing.t;
  END IF;
  RETURN QUERY
  WITH input AS (
    SELECT u.t, u.pa, u.k, u.v, u.h, row_number() OVER (PARTITION BY u.t, u.pa ORDER BY u.ord) - 1 AS rank
    FROM unnest(p_topics, p_partitions, p_keys, p_values, p_headers) WITH ORDINALITY AS u(t, pa, k, v, h, ord)
  ), inserted AS (
    INSERT INTO "bus"."messages" (topic, partition, "offset", key, value, headers)
    SELECT i.t, i.pa, p.next_offset + i.rank, i.k, i.v, i.h
    FROM input i JOIN "bus"."partitions" p ON p.topic = i.t AND p.partition = i.pa
    RETURNING topic, partition, "offset"
  )
  UPDATE "bus"."partitions" p SET next_offset = e.next_offset
  FROM (SELECT i.topic, i.partition, max(i."offset") + 1 AS next_offset FROM inserted i GROUP BY i.topic, i.partition) e
  WHERE p.topic = e.topic AND p.partition = e.partition
  RETURNING p.topic, p.partition, p.next_offset;
END $$;
