"""Events service: career fairs, sessions, office hours, the national conference; registration that never overbooks."""
