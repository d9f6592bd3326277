-- Statements data engineers run against Delta tables: upserts, CDC, retention, maintenance.

CREATE TABLE IF NOT EXISTS events (
  event_id STRING NOT NULL COMMENT 'producer-assigned id, unique',
  user_id BIGINT NOT NULL,
  event_type STRING,
  event_time TIMESTAMP,
  date DATE COMMENT 'partition column, derived from event_time',
  payload MAP<STRING, STRING>,
  tags ARRAY<STRING>,
  device STRUCT<os: STRING, version: INT, model STRING>
)
USING DELTA
PARTITIONED BY (date)
LOCATION '/lake/events'
COMMENT 'raw click stream'
TBLPROPERTIES (
  'delta.enableChangeDataFeed' = 'true',
  delta.logRetentionDuration = 'interval 30 days',
  'delta.appendOnly' = false
);

-- Upsert a micro-batch keyed on event_id.
MERGE INTO events AS t
USING updates AS s
ON t.event_id = s.event_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *;

-- Deduplicating upsert from a staging table: newest row per key wins.
MERGE INTO events t
USING (
  SELECT * FROM (
    SELECT *, row_number() OVER (PARTITION BY event_id ORDER BY event_time DESC) AS rn
    FROM staging_events
  ) WHERE rn = 1
) s
ON t.event_id = s.event_id AND t.date = s.date
WHEN MATCHED AND s.event_time > t.event_time THEN
  UPDATE SET t.event_type = s.event_type, t.event_time = s.event_time, t.payload = s.payload
WHEN NOT MATCHED THEN
  INSERT (event_id, user_id, event_type, event_time, date, payload)
  VALUES (s.event_id, s.user_id, s.event_type, s.event_time, s.date, s.payload);

-- CDC apply: the feed carries an operation column; deletes remove rows.
MERGE INTO customers AS target
USING (SELECT key, value, op, ts FROM cdc_feed WHERE ts > '2024-06-01') AS source
ON target.customer_id = source.key
WHEN MATCHED AND source.op = 'DELETE' THEN DELETE
WHEN MATCHED AND source.op IN ('UPDATE', 'INSERT') THEN
  UPDATE SET target.name = source.value.name, target.email = source.value.email, target.updated_at = source.ts
WHEN NOT MATCHED BY TARGET AND source.op <> 'DELETE' THEN
  INSERT (customer_id, name, email, updated_at) VALUES (source.key, source.value.name, source.value.email, source.ts)
WHEN NOT MATCHED BY SOURCE AND target.updated_at < current_date() - INTERVAL 365 DAYS THEN DELETE;

-- Retention.
DELETE FROM events WHERE event_time < current_timestamp() - INTERVAL 30 DAYS;

DELETE FROM delta.`/lake/events_archive` AS e WHERE e.date < date_sub(current_date(), 90);

UPDATE events SET event_type = lower(event_type) WHERE event_type RLIKE '[A-Z]';

UPDATE events AS e SET e.tags = array_union(e.tags, array('migrated')), e.payload = map('v', '2') WHERE e.date = DATE '2024-01-01';

INSERT INTO events SELECT * FROM staging_events WHERE date = '2024-06-02';

INSERT INTO TABLE events (event_id, user_id, event_type) VALUES ('e1', 1, 'click'), ('e2', 2, 'view');

INSERT OVERWRITE TABLE daily_counts PARTITION (date = '2024-06-02')
SELECT event_type, count(*) AS n FROM events WHERE date = '2024-06-02' GROUP BY event_type;

INSERT OVERWRITE events_by_type PARTITION (event_type) SELECT event_id, user_id, event_type FROM events;

-- Maintenance.
OPTIMIZE events ZORDER BY (user_id);
OPTIMIZE events WHERE date >= current_date() - INTERVAL 7 DAYS ZORDER BY (user_id, event_time);
OPTIMIZE delta.`/lake/events`;
VACUUM events RETAIN 168 HOURS;
VACUUM events RETAIN 0 HOURS DRY RUN;
VACUUM delta.`/lake/events`;

-- Time travel.
SELECT count(*) FROM events VERSION AS OF 12;
SELECT * FROM events TIMESTAMP AS OF '2024-06-01 00:00:00' WHERE user_id = 42;
SELECT * FROM delta.`/lake/events` VERSION AS OF 3 AS old;
SELECT a.event_id
FROM events TIMESTAMP AS OF current_timestamp() - INTERVAL 1 DAY AS a
LEFT ANTI JOIN events AS b ON a.event_id = b.event_id;
RESTORE TABLE events TO VERSION AS OF 10;
RESTORE events TO TIMESTAMP AS OF '2024-06-01';

-- Inspection.
DESCRIBE HISTORY events;
DESCRIBE HISTORY events LIMIT 5;
DESCRIBE DETAIL events;
DESCRIBE TABLE EXTENDED events;
DESC events;
SHOW TABLES;
SHOW TABLES IN lake LIKE 'ev*';
SHOW COLUMNS IN events;
SHOW TBLPROPERTIES events;
EXPLAIN EXTENDED SELECT event_type, count(*) FROM events GROUP BY event_type;

-- Schema changes and views.
ALTER TABLE events ADD COLUMNS (session_id STRING COMMENT 'web session', score DOUBLE);
ALTER TABLE events SET TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 7 days');
ALTER TABLE events UNSET TBLPROPERTIES IF EXISTS ('delta.appendOnly');
CREATE OR REPLACE TEMP VIEW recent_events AS SELECT * FROM events WHERE date >= current_date() - 7;
CREATE VIEW IF NOT EXISTS lake.user_daily (user_id, date, n) AS
  SELECT user_id, date, count(*) FROM events GROUP BY user_id, date;
CREATE OR REPLACE TABLE event_counts USING DELTA AS
  SELECT date, event_type, count(*) AS n FROM events GROUP BY date, event_type;
DROP VIEW IF EXISTS recent_events;
DROP TABLE old_events;
SET spark.sql.shuffle.partitions = 8;
SET spark.databricks.delta.retentionDurationCheck.enabled=false;
USE lake;
