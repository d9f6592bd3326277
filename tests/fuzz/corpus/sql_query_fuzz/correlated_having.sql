SELECT k, sum(d), (SELECT max(v) FROM u WHERE u.k = t.k) FROM t GROUP BY k HAVING count(*) > (SELECT count(*) FROM u WHERE u.k = t.k)
