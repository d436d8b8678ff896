-- A signed PDF is already deflated: PostgreSQL's TOAST compression of it only burns time
-- (about half of the insert on PGlite) and saves nothing. EXTERNAL keeps it out of line,
-- uncompressed.
ALTER TABLE contract_documents ALTER COLUMN bytes SET STORAGE EXTERNAL;
