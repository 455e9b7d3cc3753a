-- Township boundaries from the bureau's administrative layer (XZQ, or villages CJDCQ dissolved), reprojected
-- to lon/lat (CGCS2000) and simplified for display; the area is the imported boundary's, in its projected CRS.
create table township_boundaries (
  township_id text primary key references townships(id) on delete cascade,
  geometry jsonb not null,
  area_m2 numeric not null check (area_m2 >= 0),
  source text not null,
  imported_at timestamptz not null default now()
);
