CREATE TABLE orders (
  id serial PRIMARY KEY,
  status text NOT NULL DEFAULT 'new',
  total numeric(10, 2) NOT NULL
);
