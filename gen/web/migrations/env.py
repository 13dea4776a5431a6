"""Alembic environment: run by ``gen.web.storage.migrate`` with the connection it hands over."""
from alembic import context

from gen.web.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
