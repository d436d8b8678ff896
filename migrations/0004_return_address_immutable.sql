-- The return address of a stamping request can never change after submission, by any
-- request and by anyone: the database itself refuses it.
CREATE FUNCTION stamping_return_address_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the return address of a stamping request cannot be changed after submission'
    USING ERRCODE = 'P0001', HINT = 'return_address_locked';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER stamping_return_address_no_update
  BEFORE UPDATE OR DELETE ON stamping_return_addresses
  FOR EACH ROW EXECUTE FUNCTION stamping_return_address_locked();
--> statement-breakpoint
CREATE TRIGGER stamping_return_address_no_truncate
  BEFORE TRUNCATE ON stamping_return_addresses
  FOR EACH STATEMENT EXECUTE FUNCTION stamping_return_address_locked();
