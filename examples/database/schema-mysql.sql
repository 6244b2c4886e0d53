-- The example's table on MariaDB/MySQL (docker-compose.yml's mariadb service runs this as root).
CREATE TABLE orders (
  id int AUTO_INCREMENT PRIMARY KEY,
  status varchar(20) NOT NULL DEFAULT 'new',
  total decimal(10, 2) NOT NULL
);
-- Reading the binlog needs both, on every database.
GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'shop'@'%';
