"""A write the database refuses on a constraint, answered as a problem instead of a 500."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from api.core.problems import Problem


@contextmanager
def refused_as(db: Session, problem: Problem) -> Iterator[None]:
    """Run the block's flush or commit; should a constraint refuse it (often a concurrent
    request that got there first), roll the transaction back and raise `problem` instead."""
    try:
        yield
    except IntegrityError as error:
        db.rollback()
        raise problem from error
