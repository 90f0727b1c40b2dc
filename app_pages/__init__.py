"""The pages of the Katve app (one module per page) and their shared state (:mod:`app_pages.common`)."""
