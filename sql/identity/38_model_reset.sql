-- core.link_model is the model of the latest transform only: emptied before it is written.
DELETE FROM core.link_model;
