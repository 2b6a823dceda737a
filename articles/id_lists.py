"""``pk IN (subquery)`` that PostgreSQL reads from the subquery's side, whatever its plan.

A rare tag's or author's list is read from its links: a few hundred stories, each looked
up by id, then sorted. As ``IN (subquery)`` (or a join), PostgreSQL may instead walk
every published story in page order and look each one's link up: it does so with the
plan a prepared statement keeps for any tag (about 22,000 stories walked for a tag on
243 of 100,000, 12 ms), and even with the tag's own plan when parallel workers are
allowed, or with a plan that reads every published story into a hash. As
``= ANY(ARRAY(subquery))`` the subquery is run first, on its own, and its ids can only
be looked up by the primary key. SQLite already reads ``IN (subquery)`` that way.
"""

from django.db.models.lookups import In


class AmongIds(In):
    """``AmongIds(F("pk"), links.values("story"))``: a filter, as ``pk__in=`` would be."""

    def as_postgresql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
