#!/bin/bash
# Runs once, on an empty data directory: the vigil database (tenants and detection each own a schema in it,
# created by their Flyway) and Keycloak's database, each with its own role.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v vigil_password="$VIGIL_PASSWORD" -v keycloak_password="$KEYCLOAK_PASSWORD" <<'SQL'
CREATE ROLE vigil LOGIN PASSWORD :'vigil_password';
CREATE DATABASE vigil OWNER vigil;
CREATE ROLE keycloak LOGIN PASSWORD :'keycloak_password';
CREATE DATABASE keycloak OWNER keycloak;
SQL
