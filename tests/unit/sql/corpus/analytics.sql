-- Analytical queries: windows, CTEs, grouping sets, set operations, semi-structured data.

WITH daily AS (
  SELECT user_id, date_trunc('DAY', event_time) AS day, count(*) AS n
  FROM events
  GROUP BY user_id, date_trunc('DAY', event_time)
),
ranked AS (
  SELECT *, rank() OVER (PARTITION BY day ORDER BY n DESC) AS r
  FROM daily
)
SELECT day, user_id, n FROM ranked WHERE r <= 10 ORDER BY day, r;

-- Sessionization with lag and a running sum.
SELECT
  user_id,
  event_time,
  sum(CASE WHEN gap_minutes > 30 OR gap_minutes IS NULL THEN 1 ELSE 0 END)
    OVER (PARTITION BY user_id ORDER BY event_time ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS session_no
FROM (
  SELECT user_id, event_time,
         (unix_timestamp(event_time) - unix_timestamp(lag(event_time) OVER (PARTITION BY user_id ORDER BY event_time))) / 60 AS gap_minutes
  FROM events
) g;

-- Moving averages with a named window.
SELECT
  symbol,
  ts,
  avg(price) OVER w AS ma_5,
  max(price) OVER (w ROWS BETWEEN 9 PRECEDING AND CURRENT ROW) AS max_10,
  first_value(price) OVER (PARTITION BY symbol ORDER BY ts RANGE BETWEEN INTERVAL 1 HOUR PRECEDING AND CURRENT ROW) AS open_1h
FROM ticks
WINDOW w AS (PARTITION BY symbol ORDER BY ts ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)
ORDER BY symbol, ts;

-- Streaming-style tumbling windows.
SELECT window(event_time, '5 minutes') AS w, event_type, count(*) AS n, approx_count_distinct(user_id) AS users
FROM events
GROUP BY window(event_time, '5 minutes'), event_type
HAVING count(*) > 100;

SELECT region, product, sum(amount) AS total, grouping_id() AS g
FROM sales
GROUP BY ROLLUP(region, product);

SELECT region, product, sum(amount) FROM sales GROUP BY CUBE(region, product) ORDER BY 1, 2 NULLS FIRST;

SELECT region, channel, sum(amount)
FROM sales
GROUP BY GROUPING SETS ((region, channel), (region), ());

SELECT 1, 2 FROM t GROUP BY 1, 2;

SELECT user_id FROM purchases
UNION ALL
SELECT user_id FROM refunds
EXCEPT
SELECT user_id FROM banned
INTERSECT
SELECT user_id FROM active;

(SELECT a FROM x ORDER BY a LIMIT 5) UNION DISTINCT (SELECT a FROM y);

SELECT * FROM VALUES (1, 'a'), (2, 'b') AS t(id, name);

VALUES (1, 'one'), (2, 'two');

SELECT DISTINCT e.user_id, u.country
FROM events e
JOIN users u USING (user_id)
LEFT SEMI JOIN vip v ON v.user_id = e.user_id
CROSS JOIN (SELECT max(date) AS d FROM events) m
WHERE e.date = m.d;

SELECT *
FROM a
FULL OUTER JOIN b ON a.k = b.k
RIGHT JOIN c ON c.k = coalesce(a.k, b.k)
NATURAL JOIN d
LEFT ANTI JOIN e ON e.k = a.k;

SELECT t.*, s.payload['device'] AS device, s.tags[0] AS first_tag, s.device.os,
       transform(s.tags, x -> upper(x)) AS upper_tags,
       filter(s.items, i -> i.qty > 0 AND i.price IS NOT NULL) AS items,
       aggregate(s.items, 0D, (acc, i) -> acc + i.qty * i.price) AS total
FROM events t JOIN sessions s ON t.session_id = s.id;

SELECT count(DISTINCT user_id) FILTER (WHERE event_type = 'purchase') AS buyers,
       count(*) FILTER (WHERE event_type = 'view') AS views,
       percentile_approx(latency_ms, 0.99) AS p99,
       sum(amount) / nullif(count(*), 0) AS avg_amount
FROM events
WHERE date BETWEEN DATE '2024-01-01' AND DATE '2024-01-31'
  AND (country = 'DE' OR country = 'FR')
  AND NOT is_test
  AND user_agent NOT LIKE '%bot%'
  AND event_id IS NOT NULL;

SELECT id, CAST(amount AS DECIMAL(18, 2)) AS amount, try_cast(code AS INT) AS code, ts::date AS d,
       CAST(map('a', 1) AS MAP<STRING, BIGINT>) AS m, CAST(NULL AS ARRAY<STRUCT<a: INT, b: ARRAY<STRING>>>) AS s
FROM raw
WHERE id > 0
ORDER BY id
LIMIT 100 OFFSET 20;

SELECT * FROM orders o WHERE EXISTS (SELECT 1 FROM lineitem l WHERE l.l_orderkey = o.o_orderkey)
  AND o.o_totalprice > (SELECT avg(o_totalprice) FROM orders);

SELECT key, value, offset, partition, timestamp FROM kafka_raw WHERE topic = 'events';

SELECT `select`, `a``b`, `date` FROM `my db`.`my table`;

SELECT id FROM range(10);
