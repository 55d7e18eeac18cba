"""The web app's own small domain: signing in (links and sessions). Everything about mentorship is the services'."""
