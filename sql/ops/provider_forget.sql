-- ref.provider is rebuilt from ccare.yaml on every run (the configuration is its source).
DELETE FROM ref.provider;
