-- One comparison level of the Fellegi-Sunter model: $1 comparison, $2 level, $3 label, $4 m,
-- $5 u, $6 where m came from, $7 where u came from.
INSERT INTO core.link_model (comparison, level, label, m, u, m_source, u_source, weight)
VALUES ($1, $2, $3, $4, $5, $6, $7, log2(CAST($4 AS DOUBLE) / CAST($5 AS DOUBLE)));
