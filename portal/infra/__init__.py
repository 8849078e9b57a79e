"""Infrastructure with no domain rules: the database binding, the outbox that delivers side
effects after the commit, mail, and attachment storage."""
