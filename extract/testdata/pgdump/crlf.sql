SET x = 1;
COPY public.t (a, b) FROM stdin;
1	x
\.
