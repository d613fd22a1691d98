"""Storage adapters: SQLAlchemy Core tables, Alembic migrations, SQLite and PostgreSQL drivers."""
