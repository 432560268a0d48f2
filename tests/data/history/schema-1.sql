-- A history of schema 1, as baseliner 0.1.0 wrote it (checker/history/store.py at commit
-- 11fece9, the last of that schema): three runs recorded by its record() - fleet_of_three
-- labelled abc123, single_device with a label of quotes and SQL, and generated_fleet(4, 12)
-- (checks of two benchmarks, unlabelled) - from tests/reporters/factory.py, one day apart
-- from 2026-03-01T08:30:00Z, dumped with sqlite3's iterdump().  Kept as it was written:
-- tests/test_history_migrate.py upgrades it.
BEGIN TRANSACTION;
CREATE TABLE run (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    label TEXT,
    tool_version TEXT NOT NULL,
    targets INTEGER NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    uncertain_low REAL NOT NULL,
    uncertain_high REAL NOT NULL
);
INSERT INTO "run" VALUES(1,'2026-03-01T08:30:00Z','abc123','0.1.0',3,3.71794871794871824017e+01,14.5,39.0,3.71794871794871824017e+01,3.71794871794871824017e+01);
INSERT INTO "run" VALUES(2,'2026-03-02T08:30:00Z','it''s''); DROP TABLE run; --','0.1.0',1,2.30769230769230766493e+01,9.0,39.0,2.30769230769230766493e+01,2.30769230769230766493e+01);
INSERT INTO "run" VALUES(3,'2026-03-03T08:30:00Z',NULL,'0.1.0',4,60.3448275862069,35.0,58.0,60.3448275862069,60.3448275862069);
CREATE TABLE run_category (
    run INTEGER NOT NULL REFERENCES run (id),
    category TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, category)
) WITHOUT ROWID;
INSERT INTO "run_category" VALUES(1,'accounts',5.55555555555555571336e+01,6.66666666666666696272e+00,12.0);
INSERT INTO "run_category" VALUES(1,'application',50.0,1.5,3.0);
INSERT INTO "run_category" VALUES(1,'network',3.33333333333333357026e+01,3.0,9.0);
INSERT INTO "run_category" VALUES(1,'os',6.66666666666666714053e+01,3.33333333333333348136e+00,5.0);
INSERT INTO "run_category" VALUES(1,'security_controls',0.0,0.0,10.0);
INSERT INTO "run_category" VALUES(2,'accounts',3.33333333333333357026e+01,4.0,12.0);
INSERT INTO "run_category" VALUES(2,'application',0.0,0.0,3.0);
INSERT INTO "run_category" VALUES(2,'network',0.0,0.0,9.0);
INSERT INTO "run_category" VALUES(2,'os',100.0,5.0,5.0);
INSERT INTO "run_category" VALUES(2,'security_controls',0.0,0.0,10.0);
INSERT INTO "run_category" VALUES(3,'accounts',67.3076923076923,8.75,13.0);
INSERT INTO "run_category" VALUES(3,'application',50.0,4.0,8.0);
INSERT INTO "run_category" VALUES(3,'network',8.18181818181818130107e+01,9.0,11.0);
INSERT INTO "run_category" VALUES(3,'os',8.63636363636363597624e+01,9.5,11.0);
INSERT INTO "run_category" VALUES(3,'security_controls',25.0,3.75,15.0);
CREATE TABLE run_check (
    run INTEGER NOT NULL REFERENCES run (id),
    no INTEGER NOT NULL,
    check_id TEXT NOT NULL,
    category TEXT NOT NULL,
    impact INTEGER NOT NULL,
    ratio REAL NOT NULL,
    exposed INTEGER NOT NULL,
    total INTEGER NOT NULL,
    score_impact REAL NOT NULL,
    PRIMARY KEY (run, no)
) WITHOUT ROWID;
INSERT INTO "run_check" VALUES(1,0,'MS-ACC-001','accounts',8,6.66666666666666629659e-01,1,3,6.83760683760683729559e+00);
INSERT INTO "run_check" VALUES(1,1,'MS-ACC-006','accounts',4,3.33333333333333314829e-01,2,3,6.83760683760683729559e+00);
INSERT INTO "run_check" VALUES(1,2,'MS-APP-005','application',3,0.5,1,2,3.84615384615384625632e+00);
INSERT INTO "run_check" VALUES(1,3,'MS-NET-002','network',9,3.33333333333333314829e-01,2,3,1.53846153846153850248e+01);
INSERT INTO "run_check" VALUES(1,4,'MS-OS-003','os',5,6.66666666666666629659e-01,1,3,4.27350427350427342076e+00);
INSERT INTO "run_check" VALUES(1,5,'MS-SC-004','security_controls',10,0.0,3,3,2.56410256410256423001e+01);
INSERT INTO "run_check" VALUES(2,0,'MS-ACC-001','accounts',8,0.0,1,1,2.05128205128205145504e+01);
INSERT INTO "run_check" VALUES(2,1,'MS-ACC-006','accounts',4,1.0,0,1,0.0);
INSERT INTO "run_check" VALUES(2,2,'MS-APP-005','application',3,0.0,1,1,7.69230769230769251265e+00);
INSERT INTO "run_check" VALUES(2,3,'MS-NET-002','network',9,0.0,1,1,2.30769230769230766493e+01);
INSERT INTO "run_check" VALUES(2,4,'MS-OS-003','os',5,1.0,0,1,0.0);
INSERT INTO "run_check" VALUES(2,5,'MS-SC-004','security_controls',10,0.0,1,1,2.56410256410256423001e+01);
INSERT INTO "run_check" VALUES(3,0,'GEN-000','application',1,0.25,3,4,1.29310344827586209959e+00);
INSERT INTO "run_check" VALUES(3,1,'GEN-001','os',2,0.75,1,4,8.62068965517241325713e-01);
INSERT INTO "run_check" VALUES(3,2,'GEN-002','network',3,1.0,0,4,0.0);
INSERT INTO "run_check" VALUES(3,3,'GEN-003','accounts',4,0.5,2,4,3.44827586206896530285e+00);
INSERT INTO "run_check" VALUES(3,4,'GEN-004','security_controls',5,0.75,1,4,2.15517241379310364735e+00);
INSERT INTO "run_check" VALUES(3,5,'GEN-005','application',6,0.5,2,4,5.17241379310344839836e+00);
INSERT INTO "run_check" VALUES(3,6,'GEN-006','os',7,1.0,0,4,0.0);
INSERT INTO "run_check" VALUES(3,7,'GEN-007','network',8,0.75,1,4,3.44827586206896530285e+00);
INSERT INTO "run_check" VALUES(3,8,'GEN-008','accounts',9,0.75,1,4,3.87931034482758629877e+00);
INSERT INTO "run_check" VALUES(3,9,'GEN-009','security_controls',10,0.0,4,4,1.72413793103448291792e+01);
INSERT INTO "run_check" VALUES(3,10,'GEN-010','application',1,0.75,1,4,4.31034482758620662856e-01);
INSERT INTO "run_check" VALUES(3,11,'GEN-011','os',2,0.5,2,4,1.72413793103448265142e+00);
CREATE TABLE run_target (
    run INTEGER NOT NULL REFERENCES run (id),
    no INTEGER NOT NULL,
    name TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, no)
) WITHOUT ROWID;
INSERT INTO "run_target" VALUES(1,0,'WS-0001',3.07692307692307700497e+01,12.0,39.0);
INSERT INTO "run_target" VALUES(1,1,'WS-0002',4.35897435897435912019e+01,17.0,39.0);
INSERT INTO "run_target" VALUES(1,2,'SRV-01',3.61111111111111142695e+01,13.0,36.0);
INSERT INTO "run_target" VALUES(2,0,'WS-0001',2.30769230769230766493e+01,9.0,39.0);
INSERT INTO "run_target" VALUES(3,0,'WS-00000',39.6551724137931,23.0,58.0);
INSERT INTO "run_target" VALUES(3,1,'WS-00001',70.6896551724138,41.0,58.0);
INSERT INTO "run_target" VALUES(3,2,'WS-00002',60.3448275862069,35.0,58.0);
INSERT INTO "run_target" VALUES(3,3,'WS-00003',70.6896551724138,41.0,58.0);
CREATE TABLE target_category (
    run INTEGER NOT NULL,
    target INTEGER NOT NULL,
    category TEXT NOT NULL,
    percent REAL NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    PRIMARY KEY (run, target, category),
    FOREIGN KEY (run, target) REFERENCES run_target (run, no)
) WITHOUT ROWID;
INSERT INTO "target_category" VALUES(1,0,'accounts',3.33333333333333357026e+01,4.0,12.0);
INSERT INTO "target_category" VALUES(1,0,'application',100.0,3.0,3.0);
INSERT INTO "target_category" VALUES(1,0,'network',0.0,0.0,9.0);
INSERT INTO "target_category" VALUES(1,0,'os',100.0,5.0,5.0);
INSERT INTO "target_category" VALUES(1,0,'security_controls',0.0,0.0,10.0);
INSERT INTO "target_category" VALUES(1,1,'accounts',6.66666666666666714053e+01,8.0,12.0);
INSERT INTO "target_category" VALUES(1,1,'application',0.0,0.0,3.0);
INSERT INTO "target_category" VALUES(1,1,'network',100.0,9.0,9.0);
INSERT INTO "target_category" VALUES(1,1,'os',0.0,0.0,5.0);
INSERT INTO "target_category" VALUES(1,1,'security_controls',0.0,0.0,10.0);
INSERT INTO "target_category" VALUES(1,2,'accounts',6.66666666666666714053e+01,8.0,12.0);
INSERT INTO "target_category" VALUES(1,2,'network',0.0,0.0,9.0);
INSERT INTO "target_category" VALUES(1,2,'os',100.0,5.0,5.0);
INSERT INTO "target_category" VALUES(1,2,'security_controls',0.0,0.0,10.0);
INSERT INTO "target_category" VALUES(2,0,'accounts',3.33333333333333357026e+01,4.0,12.0);
INSERT INTO "target_category" VALUES(2,0,'application',0.0,0.0,3.0);
INSERT INTO "target_category" VALUES(2,0,'network',0.0,0.0,9.0);
INSERT INTO "target_category" VALUES(2,0,'os',100.0,5.0,5.0);
INSERT INTO "target_category" VALUES(2,0,'security_controls',0.0,0.0,10.0);
INSERT INTO "target_category" VALUES(3,0,'accounts',3.07692307692307700497e+01,4.0,13.0);
INSERT INTO "target_category" VALUES(3,0,'application',0.0,0.0,8.0);
INSERT INTO "target_category" VALUES(3,0,'network',2.72727272727272733736e+01,3.0,11.0);
INSERT INTO "target_category" VALUES(3,0,'os',100.0,11.0,11.0);
INSERT INTO "target_category" VALUES(3,0,'security_controls',3.33333333333333357026e+01,5.0,15.0);
INSERT INTO "target_category" VALUES(3,1,'accounts',6.92307692307692263983e+01,9.0,13.0);
INSERT INTO "target_category" VALUES(3,1,'application',87.5,7.0,8.0);
INSERT INTO "target_category" VALUES(3,1,'network',100.0,11.0,11.0);
INSERT INTO "target_category" VALUES(3,1,'os',8.18181818181818130107e+01,9.0,11.0);
INSERT INTO "target_category" VALUES(3,1,'security_controls',3.33333333333333357026e+01,5.0,15.0);
INSERT INTO "target_category" VALUES(3,2,'accounts',100.0,13.0,13.0);
INSERT INTO "target_category" VALUES(3,2,'application',25.0,2.0,8.0);
INSERT INTO "target_category" VALUES(3,2,'network',100.0,11.0,11.0);
INSERT INTO "target_category" VALUES(3,2,'os',8.18181818181818130107e+01,9.0,11.0);
INSERT INTO "target_category" VALUES(3,2,'security_controls',0.0,0.0,15.0);
INSERT INTO "target_category" VALUES(3,3,'accounts',6.92307692307692263983e+01,9.0,13.0);
INSERT INTO "target_category" VALUES(3,3,'application',87.5,7.0,8.0);
INSERT INTO "target_category" VALUES(3,3,'network',100.0,11.0,11.0);
INSERT INTO "target_category" VALUES(3,3,'os',8.18181818181818130107e+01,9.0,11.0);
INSERT INTO "target_category" VALUES(3,3,'security_controls',3.33333333333333357026e+01,5.0,15.0);
CREATE TABLE target_status (
    run INTEGER NOT NULL,
    target INTEGER NOT NULL,
    check_no INTEGER NOT NULL,
    status TEXT NOT NULL,
    PRIMARY KEY (run, target, check_no),
    FOREIGN KEY (run, target) REFERENCES run_target (run, no),
    FOREIGN KEY (run, check_no) REFERENCES run_check (run, no)
) WITHOUT ROWID;
INSERT INTO "target_status" VALUES(1,0,0,'fail');
INSERT INTO "target_status" VALUES(1,0,3,'fail');
INSERT INTO "target_status" VALUES(1,0,5,'not_configured');
INSERT INTO "target_status" VALUES(1,1,1,'fail');
INSERT INTO "target_status" VALUES(1,1,2,'not_configured');
INSERT INTO "target_status" VALUES(1,1,4,'fail');
INSERT INTO "target_status" VALUES(1,1,5,'not_configured');
INSERT INTO "target_status" VALUES(1,2,1,'fail');
INSERT INTO "target_status" VALUES(1,2,2,'not_applicable');
INSERT INTO "target_status" VALUES(1,2,3,'not_configured');
INSERT INTO "target_status" VALUES(1,2,5,'not_configured');
INSERT INTO "target_status" VALUES(2,0,0,'fail');
INSERT INTO "target_status" VALUES(2,0,2,'not_configured');
INSERT INTO "target_status" VALUES(2,0,3,'fail');
INSERT INTO "target_status" VALUES(2,0,5,'not_configured');
INSERT INTO "target_status" VALUES(3,0,0,'fail');
INSERT INTO "target_status" VALUES(3,0,5,'fail');
INSERT INTO "target_status" VALUES(3,0,7,'fail');
INSERT INTO "target_status" VALUES(3,0,8,'fail');
INSERT INTO "target_status" VALUES(3,0,9,'fail');
INSERT INTO "target_status" VALUES(3,0,10,'fail');
INSERT INTO "target_status" VALUES(3,1,0,'fail');
INSERT INTO "target_status" VALUES(3,1,3,'fail');
INSERT INTO "target_status" VALUES(3,1,9,'fail');
INSERT INTO "target_status" VALUES(3,1,11,'fail');
INSERT INTO "target_status" VALUES(3,2,1,'fail');
INSERT INTO "target_status" VALUES(3,2,4,'fail');
INSERT INTO "target_status" VALUES(3,2,5,'fail');
INSERT INTO "target_status" VALUES(3,2,9,'fail');
INSERT INTO "target_status" VALUES(3,3,0,'fail');
INSERT INTO "target_status" VALUES(3,3,3,'fail');
INSERT INTO "target_status" VALUES(3,3,9,'fail');
INSERT INTO "target_status" VALUES(3,3,11,'fail');
DELETE FROM "sqlite_sequence";
INSERT INTO "sqlite_sequence" VALUES('run',3);
PRAGMA application_id = 1112755278;
PRAGMA user_version = 1;
COMMIT;
