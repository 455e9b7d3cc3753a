-- A published project appraisal carries a title and a 文号 like every other publication (earlier ones keep none).
alter table scenario_publications add column title text;
alter table scenario_publications add column doc_number text;
