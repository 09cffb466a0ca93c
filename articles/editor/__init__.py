"""Editor pages in the browser: thin views over ``articles.editing`` (the one service that
changes articles). Forms validate the request's shape, views call the service and render."""
