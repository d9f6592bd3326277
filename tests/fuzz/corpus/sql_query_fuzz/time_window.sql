SELECT window.start, count(*), sum(k) FROM t GROUP BY window(ts, '10 minutes', '5 minutes') HAVING window.end > TIMESTAMP '2000-01-01 00:00:00' ORDER BY window.start
