"""Node frameworks that read their CORS settings from a configuration file of their own:
AdonisJS ``config/cors.ts``, Strapi ``config/middlewares.js``, Sails ``config/security.js``."""
