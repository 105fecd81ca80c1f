package sample

// template is one kind of activity the Executive Director's report on
// UNODC's 2023 activities (seeds/002_584bce7a898ecd76.txt) says the Office
// delivered, with the framework codes an office would link it to. Titles and
// narratives paraphrase the report at the level of one office's activity;
// "{year}" is replaced by the record's year.
type template struct {
	Ref          string // where in the 2023 report: "para 40(a)"
	Title        string
	Narrative    string
	Type         string
	Subcategory  string
	Subprogramme string
	Outputs      []string
	Results      []string
	Pledges      []string
	SDGTargets   []string
	Markers      []string
	// Countries are those the report names for the activity; empty for
	// global work, which an office records against its own countries.
	Countries []string
	// Offices, when set, are the only offices that deliver it (sessions
	// serviced in Vienna, global publications).
	Offices  []string
	Partners []string
	Reach    reach
	// Qty overrides the quantity range the subcategory's unit implies.
	Qty [2]int
}

// reach says who takes part in an activity: a range of participants, the
// expected share of women, and the age profile ("" when ages are not
// recorded, e.g. delegates to a session).
type reach struct {
	Min, Max int
	Women    float64
	Ages     string // adults, youth, children
}

// Typical audiences. Law enforcement and border units are mostly men (the
// report's gender award for women in container control says as much);
// prevention and treatment practitioners are mostly women.
var (
	noReach     = reach{}
	officials   = reach{15, 35, 0.40, "adults"}
	enforcement = reach{8, 25, 0.22, "adults"}
	judiciary   = reach{12, 30, 0.45, "adults"}
	experts     = reach{20, 45, 0.40, "adults"}
	counterpart = reach{4, 14, 0.40, "adults"}
	health      = reach{15, 35, 0.60, "adults"}
	educators   = reach{15, 35, 0.70, "adults"}
	young       = reach{20, 45, 0.50, "youth"}
	delegates   = reach{120, 320, 0.45, ""}
)

// Where the report names a region rather than countries, the templates list
// the registry's countries of it that the passage covers.
var (
	portControl    = []string{"AL", "AZ", "BR", "CO", "EC", "EG", "GH", "ID", "JO", "KE", "KZ", "ME", "MZ", "PE", "PH", "PK", "SN", "TG", "TH", "TM", "TZ", "UA"}
	maritime       = []string{"CO", "EC", "EG", "FJ", "GH", "ID", "KE", "LK", "MV", "MZ", "NG", "PG", "PH", "SN", "TZ", "UA"}
	forensic       = []string{"CO", "EG", "GH", "ID", "KE", "KZ", "MA", "NG", "PE", "PK", "TH"}
	justice        = []string{"BD", "BR", "CO", "EG", "GH", "ID", "JO", "KG", "KZ", "LK", "MA", "MD", "NG", "PE", "SN", "TH", "TN", "UA", "US", "UZ"}
	uncacPlatforms = []string{"AL", "BA", "BR", "CO", "EC", "GH", "ID", "KE", "KG", "KZ", "MY", "MZ", "NG", "PE", "PH", "RS", "SN", "TH", "TZ", "UG", "UZ", "ZA"}
	cyber          = []string{"CI", "CO", "FJ", "GH", "ID", "KG", "KH", "KZ", "MY", "NG", "PE", "PH", "SN", "SV", "UY"}
	terrorism      = []string{"BF", "ID", "IQ", "KE", "KG", "ML", "MZ", "NE", "NG", "PH", "PK", "TJ"}
	amlCFT         = []string{"CO", "EG", "FJ", "GH", "ID", "JO", "KE", "KH", "LA", "MM", "NG", "PE", "PH", "SN", "TH"}
	firearms       = []string{"AL", "AR", "BA", "BF", "BR", "CI", "CO", "EC", "GH", "MD", "ME", "MK", "ML", "MX", "NE", "NG", "PE", "RS", "SN", "TG", "UA"}
	smuggling      = []string{"AR", "BD", "BR", "CO", "EC", "EG", "HT", "LY", "ML", "MX", "NE", "NG", "PE", "PK", "SV", "TN"}
)

var catalogue = []template{
	// A. Addressing and countering the world drug problem.
	{
		Ref: "paras 7, 12(a)", Title: "Launch of the World Drug Report {year}",
		Narrative: "The World Drug Report {year} analysed evolving drug markets, synthetic drugs, psychedelics, regulatory approaches to herbal medical cannabis and drug use in humanitarian settings; launched to Member States and the media.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1"}, Results: []string{"SP6.R2"}, SDGTargets: []string{"3.5"}, Markers: []string{"GE"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 7", Title: "National launch of the World Drug Report {year}",
		Narrative: "Key findings of the World Drug Report presented to national drug control authorities, civil society and the press, with the national figures reported through the annual report questionnaire.",
		Type:      "campaign", Subcategory: "D.OUT", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1"}, Results: []string{"SP6.R2"}, SDGTargets: []string{"3.5"},
		Reach: reach{40, 150, 0.45, ""},
	},
	{
		Ref: "para 8", Title: "Technical support to the national drug use survey",
		Narrative: "Advice on the design, sampling and fieldwork of the national drug use survey, so that prevalence estimates can be compared over time and reported internationally.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1", "TA1.1.2"}, Results: []string{"SP6.R2"}, SDGTargets: []string{"3.5"},
		Countries: []string{"AF", "KZ", "PK", "UZ"}, Reach: counterpart,
	},
	{
		Ref: "paras 8, 12(e)-(g)", Title: "Illicit crop monitoring survey: cultivation and production report",
		Narrative: "Annual survey of illicit crop cultivation and production, combining satellite imagery with field verification, published with the national monitoring agency.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1"}, Results: []string{"SP6.R2"},
		Countries: []string{"AF", "BO", "CO", "LA", "MM", "MX", "PE"}, Reach: noReach,
	},
	{
		Ref: "para 9", Title: "Information centre on transnational drug and crime trends: situation update",
		Narrative: "Integrated monitoring of the drugs and crime situation in Afghanistan and its impact on neighbouring countries, shared with national counterparts.",
		Type:      "database", Subcategory: "C.DB", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1", "TA2.3.1"}, Results: []string{"SP6.R2"},
		Countries: []string{"AF", "IR", "KG", "KZ", "PK", "TJ", "TM", "UZ"}, Offices: []string{"ROCA", "COAFG", "HQ"}, Reach: noReach,
	},
	{
		Ref: "paras 10, 93", Title: "Drugs Monitoring Platform: seizure records and trafficking routes updated",
		Narrative: "Open-source seizure reports processed with machine learning and reviewed by analysts to map trafficking routes and modi operandi for the early warning tool.",
		Type:      "database", Subcategory: "C.DB", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.1"}, Results: []string{"SP6.R2"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 11", Title: "Regional workshop on drugs data collection and the annual report questionnaire",
		Narrative: "National focal points trained on completing the renewed annual report questionnaire and on drug use and seizure data collection.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP6",
		Outputs: []string{"TA1.1.2"}, Results: []string{"SP6.R2"}, SDGTargets: []string{"3.5"},
		Countries: []string{"CO", "EG", "KE", "KZ", "NG", "PE", "SN", "TH", "UZ"}, Reach: experts, Qty: [2]int{2, 4},
	},
	{
		Ref: "para 26", Title: "Training of forensic and law enforcement personnel on drug identification",
		Narrative: "Forensic chemists and front-line officers trained on the identification of drugs and precursors, safe handling of synthetic opioids and the international collaborative exercises.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP6",
		Outputs: []string{"TA1.4.1"}, Results: []string{"SP6.P21", "SP6.R1"},
		Countries: forensic, Reach: reach{10, 25, 0.45, "adults"},
	},
	{
		Ref: "para 26", Title: "Drug and precursor field testing kits and reference standards with user guide",
		Narrative: "Field testing kits, chemical reference standards and a user guide delivered to the national drug testing laboratory and border units.",
		Type:      "technical_material", Subcategory: "B.TM", Subprogramme: "SP6",
		Outputs: []string{"TA1.4.1"}, Results: []string{"SP6.R1"},
		Countries: forensic, Reach: noReach,
	},
	{
		Ref: "para 27", Title: "National early warning briefing on new psychoactive substances",
		Narrative: "Briefing of health, forensic and law enforcement agencies on substances reported to the early warning advisory and on setting up a national early warning system.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP6",
		Outputs: []string{"TA1.4.2"}, Results: []string{"SP6.R1"}, SDGTargets: []string{"3.5"},
		Reach: reach{15, 40, 0.45, "adults"}, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 28", Title: "United Nations Toolkit on Synthetic Drugs: new module online",
		Narrative: "A new module of the Toolkit on Synthetic Drugs published in the six official languages, adding legal, health and forensic resources for registered users.",
		Type:      "database", Subcategory: "C.DB", Subprogramme: "SP6",
		Outputs: []string{"TA1.4.2"}, Results: []string{"SP6.R1"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 29(d)", Title: "Recommended Methods for the Profiling of Heroin and Cocaine (revised edition)",
		Narrative: "Revised and updated manual for national laboratories on the chemical profiling of heroin and cocaine samples.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP6",
		Outputs: []string{"TA1.4.1"}, Results: []string{"SP6.R1"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 13", Title: "Family skills programme: training of facilitators",
		Narrative: "Facilitators from social services and non-governmental organizations trained to run the family skills programme that prevents drug use among children.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.1"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP01"}, SDGTargets: []string{"3.5"}, Markers: []string{"CY", "GE"},
		Countries: []string{"BF", "EG", "IT", "MR", "MU"}, Reach: educators,
	},
	{
		Ref: "para 13", Title: "Life skills programme in schools: training of teachers",
		Narrative: "Teachers and school counsellors trained to deliver the evidence-based life skills programme in schools.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.1"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP01"}, SDGTargets: []string{"3.5"}, Markers: []string{"CY"},
		Countries: []string{"BA", "HR", "ME", "RS", "SI", "SV"}, Reach: educators,
	},
	{
		Ref: "para 14", Title: "Review of the national prevention system with the RePS tool",
		Narrative: "Assessment of the quality of national prevention interventions and systems against the UNODC-WHO International Standards on Drug Use Prevention.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.1"}, Results: []string{"SP2.R2"}, SDGTargets: []string{"3.5"},
		Countries: []string{"NO"}, Partners: []string{"WHO"}, Reach: counterpart,
	},
	{
		Ref: "para 16", Title: "UNODC Youth Forum on drug use prevention",
		Narrative: "Young people from many countries met in person to develop youth-led prevention initiatives and to bring youth voices to the Commission on Narcotic Drugs.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.1"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP01"}, SDGTargets: []string{"3.5"}, Markers: []string{"CY"},
		Offices: []string{"HQ"}, Reach: reach{28, 40, 0.55, "youth"}, Qty: [2]int{3, 5},
	},
	{
		Ref: "para 17", Title: "Youth-led drug use prevention project (Drug Abuse Prevention Centre grant)",
		Narrative: "Grant to a youth-based non-governmental organization running peer-to-peer drug use prevention activities for adolescents and their families.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.1"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP01"}, SDGTargets: []string{"3.5"}, Markers: []string{"CY"},
		Countries: []string{"BD", "EC", "IN", "KE", "ME", "MW", "MX", "NG", "PE", "PK", "UA", "ZA"},
		Partners:  []string{"Drug Abuse Prevention Centre (Japan)"}, Reach: noReach,
	},
	{
		Ref: "para 18", Title: "Training of treatment practitioners on the International Standards for the Treatment of Drug Use Disorders",
		Narrative: "Service providers trained on evidence-based treatment, care and rehabilitation, quality assurance and family therapy for adolescents with drug use disorders.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.2"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.5"}, Markers: []string{"HR", "GE"},
		Countries: []string{"AF", "BA", "CO", "EC", "GH", "ID", "KE", "MZ", "NG", "PE", "PK", "RS", "ZA"},
		Partners:  []string{"WHO"}, Reach: health,
	},
	{
		Ref: "para 19", Title: "Quality assurance of drug treatment services and national treatment standards",
		Narrative: "Advice to the ministry of health on national drug treatment standards and on mapping the country's treatment capacity.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.2"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.5"},
		Countries: []string{"CI", "CO", "EC", "GH", "NG", "PE", "PK", "SN"}, Reach: counterpart,
	},
	{
		Ref: "para 20", Title: "Piloting training materials on substance use among displaced people",
		Narrative: "Humanitarian and health workers trained with new materials on addressing substance use disorders among migrants and internally displaced people.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.2"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.5"}, Markers: []string{"HR"},
		Countries: []string{"EC"}, Partners: []string{"WHO", "UNHCR"}, Reach: health,
	},
	{
		Ref: "paras 21-22", Title: "Training on treatment and care as alternatives to conviction or punishment",
		Narrative: "Health and justice practitioners trained on diverting people with drug use disorders in contact with the criminal justice system to treatment, with attention to women and girls.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.2"}, Results: []string{"SP2.R1"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.5"}, Markers: []string{"HR", "GE"},
		Countries: []string{"KE", "NG"}, Partners: []string{"WHO"}, Reach: judiciary,
	},
	{
		Ref: "para 22", Title: "E-learning module on treatment as an alternative to conviction or punishment",
		Narrative: "Online module for policymakers and health and justice practitioners on the Tokyo Rules, the Bangkok Rules and the International Standards for the Treatment of Drug Use Disorders.",
		Type:      "technical_material", Subcategory: "B.TM", Subprogramme: "SP2",
		Outputs: []string{"TA1.2.2"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.5"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 25", Title: "Policy desk review and supply-chain analysis of controlled medicines",
		Narrative: "Review of policies and of the supply chain for controlled medicines to identify the barriers to access for pain management and palliative care.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP9.2",
		Outputs: []string{"TA1.3.1"}, Results: []string{"SP9.2.R2"}, Pledges: []string{"HRP03"}, SDGTargets: []string{"3.8"},
		Countries: []string{"ID"}, Partners: []string{"WHO"}, Reach: counterpart,
	},
	{
		Ref: "para 25", Title: "Training of health professionals on palliative care and the prescription of controlled medicines",
		Narrative: "Health service providers trained on the management of palliative care and the prescription and use of controlled medicines for cancer-related pain.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.3.1"}, Results: []string{"SP2.P21"}, Pledges: []string{"HRP03"}, SDGTargets: []string{"3.8"},
		Countries: []string{"CD", "FJ", "TL"}, Partners: []string{"WHO", "Union for International Cancer Control"}, Reach: health,
	},
	{
		Ref: "para 24", Title: "Panel discussion on access to controlled medicines while preventing diversion",
		Narrative: "Panel on the \"Access and availability\" initiative of the Commission on Narcotic Drugs, identifying opportunities to expand the joint global programme with WHO.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.3.2"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP03"}, SDGTargets: []string{"3.8"},
		Countries: []string{"BE"}, Offices: []string{"HQ", "BLO"}, Partners: []string{"WHO"}, Reach: experts, Qty: [2]int{1, 1},
	},
	{
		Ref: "para 30", Title: "HIV prevention, treatment and care for key populations affected by the humanitarian crisis",
		Narrative: "With community-led organizations, HIV prevention, treatment and care services kept running for people who use drugs displaced by the crisis.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP2",
		Outputs: []string{"TA1.5.1"}, Results: []string{"SP2.R2"}, SDGTargets: []string{"3.3"}, Markers: []string{"HR", "GE"},
		Countries: []string{"MD", "UA"}, Partners: []string{"community-led organizations"}, Reach: noReach,
	},
	{
		Ref: "para 31", Title: "Capacity-building on HIV services for people who use stimulant drugs",
		Narrative: "Service providers trained on HIV prevention, treatment, care and support tailored to people who use stimulant drugs.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.5.1"}, Results: []string{"SP2.R2"}, SDGTargets: []string{"3.3"}, Markers: []string{"HR"},
		Countries: []string{"AF", "BD", "ID", "IN", "MY", "PH", "TH", "ZA"}, Reach: health,
	},
	{
		Ref: "para 32", Title: "Training of service providers on opioid agonist therapy",
		Narrative: "Service providers and community-led organizations trained to establish and deliver evidence-based, high-quality opioid agonist therapy.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.5.1"}, Results: []string{"SP2.R2"}, Pledges: []string{"HRP02"}, SDGTargets: []string{"3.3"}, Markers: []string{"HR"},
		Countries: []string{"DZ", "EG", "JO", "LY", "TN"}, Reach: health,
	},
	{
		Ref: "para 33", Title: "HIV prevention, treatment and care in prisons: training of prison health staff",
		Narrative: "Prison authority and health-care staff trained on human rights-based, gender-responsive HIV services in prisons, including prevention of mother-to-child transmission.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.5.2"}, Results: []string{"SP2.R2"}, SDGTargets: []string{"3.3"}, Markers: []string{"HR", "GE"},
		Countries: []string{"BD", "ID", "IN", "KG", "KZ", "LK", "MZ", "PH", "TH", "TJ", "UZ", "ZA", "ZW"}, Reach: health,
	},
	{
		Ref: "para 36", Title: "Alternative development: cash crop diversification with farming families",
		Narrative: "Farming families supported with food security, cash crop diversification in harmony with the environment and access to markets for their products.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP2",
		Outputs: []string{"TA1.6.1", "TA1.6.2"}, Results: []string{"SP2.R3"}, Markers: []string{"GE"},
		Countries: []string{"AF", "BO", "CO", "LA", "MM", "PE", "TH"}, Reach: noReach,
	},
	{
		Ref: "para 37", Title: "Expert group meeting on alternative development",
		Narrative: "Practitioners exchanged best practices and lessons learned in alternative development programmes.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.6.1"}, Results: []string{"SP2.R3"},
		Countries: []string{"PE"}, Reach: experts, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 39", Title: "Practical Guide on Alternative Development and the Environment",
		Narrative: "Guide bringing together experiences and success factors for the environmental components of alternative development.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP2",
		Outputs: []string{"TA1.6.2"}, Results: []string{"SP2.R3"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
	{
		Ref: "para 40(a)", Title: "Training of port control units on container profiling and risk analysis",
		Narrative: "Officers of the port control unit trained and mentored by the Passenger and Cargo Border Team to profile and inspect high-risk containers and to identify victims of trafficking.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.7.2"}, Results: []string{"SP2.R1"}, SDGTargets: []string{"16.4"}, Markers: []string{"GE"},
		Countries: portControl, Partners: []string{"WCO", "INTERPOL"}, Reach: enforcement,
	},
	{
		Ref: "para 40(a)", Title: "Mentoring of the joint airport interdiction task force on high-risk passengers",
		Narrative: "Task force officers mentored on passenger data analysis, interception of high-risk passengers and air cargo inspection.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.7.2"}, Results: []string{"SP2.R1"}, SDGTargets: []string{"16.4"},
		Countries: []string{"BR", "CI", "CO", "GH", "KE", "NG", "PE", "SN"}, Partners: []string{"WCO", "INTERPOL"}, Reach: enforcement,
	},
	{
		Ref: "para 40(b)", Title: "CRIMJUST training on investigating drug trafficking along trafficking routes",
		Narrative: "Investigators and prosecutors trained on post-seizure investigation and on sharing intelligence and evidence across borders.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.7.3", "TA1.7.5"}, Results: []string{"SP2.R1"}, SDGTargets: []string{"16.4"},
		Countries: []string{"BO", "BR", "CI", "CO", "EC", "GH", "HT", "KE", "NG", "PE", "SN"}, Reach: judiciary,
	},
	{
		Ref: "para 40(b)", Title: "Afghan Opiate Trade Project: training of criminal justice actors",
		Narrative: "Criminal justice actors trained on opiate trafficking trends and routes identified by the Afghan Opiate Trade Project.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP6",
		Outputs: []string{"TA1.7.3"}, Results: []string{"SP6.R2"}, SDGTargets: []string{"16.4"},
		Countries: []string{"AL", "BA", "KG", "ME", "MK", "MZ", "RS"}, Reach: judiciary,
	},
	{
		Ref: "para 40(b)", Title: "Expert group meeting on the southern and northern opiate trafficking routes",
		Narrative: "Experts from countries along the routes reviewed seizure data and modi operandi of opiate trafficking.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP6",
		Outputs: []string{"TA1.7.3"}, Results: []string{"SP6.R2"},
		Countries: []string{"AF", "IN", "IR", "KE", "KZ", "LK", "MZ", "PK", "TJ", "TZ", "UZ", "ZA"}, Reach: experts, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 40(c)", Title: "Global Maritime Crime Programme: training on drug trafficking at sea",
		Narrative: "Maritime law enforcement and criminal justice practitioners trained on detecting, investigating and prosecuting maritime crime, including drug trafficking at sea.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP2",
		Outputs: []string{"TA1.7.2"}, Results: []string{"SP2.R1"}, SDGTargets: []string{"16.4"},
		Countries: maritime, Reach: reach{10, 30, 0.15, "adults"},
	},
	{
		Ref: "para 42", Title: "Legislative assistance on domestic drug control legislation",
		Narrative: "Review of the draft drug control law against the international drug control conventions, with comments to the drafting committee.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP2",
		Outputs: []string{"TA1.7.1"}, Results: []string{"SP2.R1"},
		Countries: []string{"AL", "PK", "SZ"}, Reach: counterpart,
	},

	// B. Preventing and countering organized crime.
	{
		Ref: "paras 43-44", Title: "Legislative assistance on implementing the Organized Crime Convention",
		Narrative: "Advice on legislation implementing the Organized Crime Convention following accession, and on participation in its Review Mechanism.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.3"}, Results: []string{"SP1.R3"}, SDGTargets: []string{"16.4"},
		Countries: []string{"BT", "SS"}, Reach: counterpart,
	},
	{
		Ref: "para 44", Title: "Workshop on drafting firearms legislation in line with the Firearms Protocol",
		Narrative: "Legislative drafters and firearms authorities reviewed the national firearms law against the Firearms Protocol and agreed amendments.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.3"}, Results: []string{"SP1.R2"}, SDGTargets: []string{"16.4"},
		Countries: firearms, Reach: officials, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 44", Title: "Training on national strategies to prevent and combat organized crime",
		Narrative: "Stakeholders trained with the Organized Crime Strategy Toolkit to develop a national strategy that mainstreams gender and human rights.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.3"}, Results: []string{"SP1.R3"}, Pledges: []string{"HRP16"}, SDGTargets: []string{"16.4"}, Markers: []string{"GE", "HR"},
		Reach: experts,
	},
	{
		Ref: "para 43", Title: "Support to national focal points in the UNTOC Review Mechanism",
		Narrative: "Governmental experts prepared the country's responses on criminalization and jurisdiction for its review under the Organized Crime Convention.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.2"}, Results: []string{"SP1.R3"}, SDGTargets: []string{"16.4"},
		Reach: reach{8, 25, 0.45, "adults"}, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 47", Title: "Training of practitioners on identifying victims of trafficking and smuggled migrants",
		Narrative: "Police, labour inspectors and prosecutors trained to detect trafficking in persons and smuggling of migrants and to refer victims to assistance.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.1", "TA2.2.2"}, Results: []string{"SP1.P21"}, Pledges: []string{"HRP05", "HRP06"}, SDGTargets: []string{"8.7", "16.2"}, Markers: []string{"HR", "GE"},
		Countries: smuggling, Reach: reach{15, 35, 0.5, "adults"},
	},
	{
		Ref: "para 47", Title: "Project Turquesa: strategic analysis of migrant smuggling and trafficking routes",
		Narrative: "Joint UNODC-INTERPOL analysis of routes, trends and modi operandi of migrant smuggling and trafficking in persons in the region.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP8",
		Outputs: []string{"TA2.3.1"}, Results: []string{"SP8.R2"}, Pledges: []string{"HRP06"}, SDGTargets: []string{"8.7", "16.2"},
		Countries: []string{"AR", "BR", "CO", "EC", "HT", "MX", "PE", "SV"}, Partners: []string{"INTERPOL"}, Reach: noReach,
	},
	{
		Ref: "para 48", Title: "Firearms trafficking: joint investigative team and contact group meeting",
		Narrative: "Investigators and prosecutors met to coordinate firearms trafficking cases and set up a joint investigative team.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.1"}, Results: []string{"SP1.R2"}, SDGTargets: []string{"16.4"},
		Countries: []string{"AR", "BF", "BR", "CI", "CO", "EC", "GH", "ML", "MX", "NE", "NG", "PE", "SN", "TG"}, Reach: reach{15, 35, 0.3, "adults"}, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 48", Title: "Project Hermes: countering firearms trafficking through courier and postal parcels",
		Narrative: "Regional project with postal and express courier operators and customs to detect firearms, parts and ammunition in parcels.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.1"}, Results: []string{"SP1.R2"}, SDGTargets: []string{"16.4"},
		Countries: []string{"AL", "BA", "ME", "MK", "RS"}, Reach: noReach,
	},
	{
		Ref: "para 50", Title: "Training on financial investigations and countering money-laundering",
		Narrative: "Financial intelligence unit analysts, investigators and prosecutors trained on financial investigations and disrupting the finances of criminal groups.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.4"}, Results: []string{"SP1.R3"}, SDGTargets: []string{"16.4"},
		Countries: amlCFT, Reach: officials,
	},
	{
		Ref: "para 51", Title: "Transnational organized crime threat assessment",
		Narrative: "Threat assessment of organized crime markets, flows and actors, with recommendations for national and regional responses.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP6",
		Outputs: []string{"TA2.3.1"}, Results: []string{"SP6.R3"}, SDGTargets: []string{"16.4"},
		Countries: []string{"BF", "ML", "MR", "NE", "NG"}, Reach: noReach,
	},
	{
		Ref: "para 53", Title: "Launch of the legislative guide on waste trafficking",
		Narrative: "Environment, customs and justice officials introduced to the legislative guide on waste trafficking and to mapping legal and illegal waste flows.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.5"}, Results: []string{"SP1.R3"}, Pledges: []string{"HRP19"}, SDGTargets: []string{"15.7"},
		Countries: []string{"ID", "KH", "LA", "MM", "MY", "PH", "TH"}, Reach: experts, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 54", Title: "Regional workshop on the legislative guide on trafficking in metals and minerals",
		Narrative: "Practitioners discussed the legislative guide and the monitoring of illegal mines and their environmental impact.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.5"}, Results: []string{"SP1.R3"}, Pledges: []string{"HRP19"}, SDGTargets: []string{"15.7"},
		Countries: []string{"BO", "BR", "CO", "EC", "PE"}, Reach: experts, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 56", Title: "Wildlife crime scene training at a wildlife college",
		Narrative: "Rangers and investigators trained on wildlife crime scene management and evidence for forensic casework used in prosecutions.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.2.5"}, Results: []string{"SP1.R3"}, Pledges: []string{"HRP19"}, SDGTargets: []string{"15.7"},
		Countries: []string{"BW", "KE", "MZ", "NA", "TZ", "UG", "ZA", "ZW"}, Reach: reach{12, 30, 0.3, "adults"},
	},
	{
		Ref: "para 58", Title: "Training guide on detecting and investigating falsified medical products",
		Narrative: "Guide for law enforcement officials and health product regulators, developed with INTERPOL and WHO.",
		Type:      "technical_material", Subcategory: "B.TM", Subprogramme: "SP1",
		Outputs: []string{"TA2.3.1"}, Results: []string{"SP1.R3"}, SDGTargets: []string{"16.4"},
		Offices: []string{"HQ"}, Partners: []string{"INTERPOL", "WHO"}, Reach: noReach,
	},
	{
		Ref: "para 60", Title: "Ad Hoc Committee on a convention on cybercrime: session serviced",
		Narrative: "Substantive and secretariat support to the session of the Ad Hoc Committee negotiating a comprehensive international convention on countering the use of ICTs for criminal purposes.",
		Type:      "meeting_serviced", Subcategory: "A.SSM", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.4", "TA2.4.1"}, Results: []string{"SP1.R1"},
		Offices: []string{"HQ", "NYLO"}, Reach: delegates, Qty: [2]int{4, 20},
	},
	{
		Ref: "para 61", Title: "Training of police and prosecutors on cybercrime investigation and digital evidence",
		Narrative: "Investigators and prosecutors trained on handling digital evidence, cryptocurrency tracing and international cooperation in cybercrime cases.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.4.2"}, Results: []string{"SP1.R1"}, SDGTargets: []string{"16.a"}, Markers: []string{"GE"},
		Countries: cyber, Reach: reach{12, 30, 0.3, "adults"},
	},
	{
		Ref: "para 61", Title: "Establishment of a digital forensic laboratory",
		Narrative: "Equipment, standard operating procedures and mentoring for the first digital forensic laboratory of the national police.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP1",
		Outputs: []string{"TA2.4.2"}, Results: []string{"SP1.R1"}, SDGTargets: []string{"16.a"},
		Countries: []string{"MY", "PE"}, Reach: noReach,
	},
	{
		Ref: "para 61", Title: "Advice on a law on digital assets and cryptocurrency-enabled crime",
		Narrative: "Comments on the draft law regulating digital assets, to enable the investigation and prosecution of cryptocurrency-enabled crimes.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP1",
		Outputs: []string{"TA2.4.2"}, Results: []string{"SP1.R1"}, SDGTargets: []string{"16.4"},
		Countries: []string{"KZ"}, Reach: counterpart,
	},
	{
		Ref: "para 61", Title: "Cybercrime prevention policy for the security, justice and education sectors",
		Narrative: "Advice to the inter-ministerial working group drafting a cybercrime prevention policy covering schools as well as police and courts.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP1",
		Outputs: []string{"TA2.4.2"}, Results: []string{"SP1.R1"}, SDGTargets: []string{"16.a"}, Markers: []string{"CY"},
		Countries: []string{"UY"}, Reach: counterpart,
	},
	{
		Ref: "para 61", Title: "Victim identification task force on online child sexual exploitation material",
		Narrative: "Specialist investigators reviewed material with INTERPOL to identify child victims of online sexual abuse and connect to the International Child Sexual Exploitation database.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP1",
		Outputs: []string{"TA2.4.2"}, Results: []string{"SP1.R1"}, Pledges: []string{"HRP13"}, SDGTargets: []string{"16.2"}, Markers: []string{"CY", "HR"},
		Partners: []string{"INTERPOL"}, Reach: reach{12, 30, 0.5, "adults"}, Qty: [2]int{3, 5},
	},
	{
		Ref: "para 62(a)", Title: "Toolkit on Mainstreaming Gender and Human Rights in the Implementation of the Organized Crime Convention",
		Narrative: "Toolkit on gender and human rights, including disability, in implementing the Organized Crime Convention and its Protocols.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP1",
		Outputs: []string{"TA2.1.3"}, Results: []string{"SP1.R3"}, Pledges: []string{"HRP16"}, Markers: []string{"GE", "HR"},
		Offices: []string{"HQ"}, Reach: noReach,
	},

	// C. Preventing and countering corruption and economic crime.
	{
		Ref: "para 64", Title: "Regional anti-corruption platform meeting to fast-track UNCAC implementation",
		Narrative: "Member States of the regional platform agreed priority reforms to implement the Convention against Corruption, supported by the regional anti-corruption hub.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.5.2"}, Results: []string{"SP3.R1"}, Pledges: []string{"HRP08"}, SDGTargets: []string{"16.5"},
		Countries: uncacPlatforms, Reach: experts, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 63", Title: "Support to a country review under the UNCAC Implementation Review Mechanism",
		Narrative: "Advice to the national focal point on the self-assessment, the country visit and follow-up to the gaps and technical assistance needs identified.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP3",
		Outputs: []string{"TA3.5.2", "TA3.5.3"}, Results: []string{"SP3.R1"}, SDGTargets: []string{"16.5"},
		Reach: counterpart,
	},
	{
		Ref: "para 65", Title: "Corruption risk assessment in the health sector",
		Narrative: "Corruption risk assessment of public health institutions and a risk mitigation plan agreed with their management.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP3",
		Outputs: []string{"TA3.1.4"}, Results: []string{"SP3.R1"}, SDGTargets: []string{"16.5"},
		Countries: []string{"CO", "EC", "KE", "MX", "MZ", "NG", "PE", "UG", "ZA"}, Reach: counterpart,
	},
	{
		Ref: "para 65", Title: "Corruption risk mitigation workshop for natural resource protection agencies",
		Narrative: "Staff of agencies protecting forests, fisheries and wildlife identified corruption risks in permits and enforcement and drafted mitigation measures.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.1.4"}, Results: []string{"SP3.R1"}, SDGTargets: []string{"16.5", "15.7"},
		Reach: officials, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 66", Title: "Business integrity workshop with private sector companies",
		Narrative: "Companies and business associations trained on integrity, compliance programmes and collective action against corruption.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.1.1"}, Results: []string{"SP3.P21"}, SDGTargets: []string{"16.5"},
		Countries: []string{"BR", "CO", "EG", "ID", "IN", "KE", "MX", "MY", "NG", "PE", "PH", "TH", "ZA"}, Reach: experts, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 67", Title: "Global Judicial Integrity Network: training of judges on judicial ethics",
		Narrative: "Judges trained with the Network's materials on judicial ethics, gender-related integrity issues and the use of social media.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.1.3"}, Results: []string{"SP3.R1"}, Pledges: []string{"HRP08"}, SDGTargets: []string{"16.5"}, Markers: []string{"GE"},
		Reach: judiciary,
	},
	{
		Ref: "para 68", Title: "Capacity-building on corruption surveys",
		Narrative: "National statistical office and anti-corruption agency staff trained on designing and analysing surveys of bribery, using the draft statistical framework to measure corruption.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.3.1", "TA3.3.2"}, Results: []string{"SP3.R1"}, SDGTargets: []string{"16.5"},
		Countries: []string{"CO", "GH", "MX", "NG", "PK", "UZ"}, Reach: reach{12, 25, 0.45, "adults"},
	},
	{
		Ref: "paras 69, 72", Title: "Tackling corruption in sport: training of criminal justice authorities and sports organizations",
		Narrative: "Investigators, prosecutors and sports integrity officers trained on investigating competition manipulation and bribery in sport.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.2.1"}, Results: []string{"SP3.R1"}, SDGTargets: []string{"16.5"}, Markers: []string{"CY"},
		Reach: officials,
	},
	{
		Ref: "para 70", Title: "GlobE Network onboarding: secure communication and case facilitation",
		Narrative: "Anti-corruption law enforcement authorities introduced to the GlobE Network's secure communication tool and case facilitation support for transnational cases.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP3",
		Outputs: []string{"TA3.4.1", "TA3.4.2"}, Results: []string{"SP3.R3"}, SDGTargets: []string{"16.5"},
		Reach: reach{8, 20, 0.4, "adults"}, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 71", Title: "Conference of the States Parties to the Convention against Corruption: meetings serviced",
		Narrative: "Secretariat services to the Conference and its subsidiary bodies on accelerating implementation of the Convention and follow-up to the special session of the General Assembly.",
		Type:      "meeting_serviced", Subcategory: "A.CSS", Subprogramme: "SP3",
		Outputs: []string{"TA3.5.1"}, Results: []string{"SP3.R2"}, SDGTargets: []string{"16.5"},
		Offices: []string{"HQ"}, Reach: delegates, Qty: [2]int{4, 16},
	},
	{
		Ref: "Box 3, para 95", Title: "Twentieth anniversary of the Convention against Corruption: awareness campaign",
		Narrative: "Campaign on what the Convention has made possible and what remains to be done, with impact stories on social media.",
		Type:      "campaign", Subcategory: "D.DIG", Subprogramme: "SP7",
		Outputs: []string{"TA3.5.4"}, Results: []string{"SP7.R3"}, SDGTargets: []string{"16.5"},
		Reach: noReach,
	},

	// D. Preventing and countering terrorism.
	{
		Ref: "para 73", Title: "Training of criminal justice officials on investigating and prosecuting terrorism cases",
		Narrative: "Police, prosecutors and judges trained on the investigation, prosecution and adjudication of terrorism cases in line with the rule of law and human rights.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP4",
		Outputs: []string{"TA4.1.1"}, Results: []string{"SP4.R2"}, Pledges: []string{"HRP07"}, SDGTargets: []string{"16.a"}, Markers: []string{"HR", "GE"},
		Countries: terrorism, Reach: reach{15, 35, 0.25, "adults"},
	},
	{
		Ref: "para 74", Title: "Legislative assistance on ratifying the international legal instruments against terrorism",
		Narrative: "Advice to the ministries of foreign affairs and justice on becoming party to the international conventions and protocols against terrorism and on implementing legislation.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP4",
		Outputs: []string{"TA4.4.1", "TA4.4.2"}, Results: []string{"SP4.P21"}, Pledges: []string{"HRP07"}, SDGTargets: []string{"16.a"},
		Countries: []string{"AL", "CG", "ZW"}, Reach: counterpart,
	},
	{
		Ref: "para 75", Title: "Mentoring of officials on investigating the financing of terrorism",
		Narrative: "Financial investigators and prosecutors mentored on terrorism financing cases, supporting the opening of the first criminal investigation into terrorist financing.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP4",
		Outputs: []string{"TA4.1.1"}, Results: []string{"SP4.R2"}, SDGTargets: []string{"16.a"},
		Countries: []string{"MZ"}, Reach: enforcement,
	},
	{
		Ref: "para 76", Title: "Evidence storage facility for the Joint Investigation Centre",
		Narrative: "New storage facility and procedures to collect and preserve evidence recovered from terrorist incidents.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP4",
		Outputs: []string{"TA4.1.1"}, Results: []string{"SP4.R2"}, SDGTargets: []string{"16.a"},
		Countries: []string{"NG"}, Reach: noReach,
	},
	{
		Ref: "para 77", Title: "Countering terrorism based on xenophobia, racism and other forms of intolerance",
		Narrative: "Technical project to help criminal justice officials recognize and respond to terrorism on the basis of xenophobia, racism and intolerance.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP4",
		Outputs: []string{"TA4.5.1"}, Results: []string{"SP4.R1"}, Markers: []string{"HR"},
		Countries: []string{"AL", "AR", "BA", "BR", "MX", "RS", "ZA"}, Reach: noReach,
	},
	{
		Ref: "para 78", Title: "Network of youth-led organizations preventing violent extremism",
		Narrative: "Youth leaders trained to establish and run a network of youth-led civil society organizations working to prevent terrorism and violent extremism.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP4",
		Outputs: []string{"TA4.3.2"}, Results: []string{"SP4.R1"}, SDGTargets: []string{"16.a"}, Markers: []string{"CY"},
		Reach: young, Qty: [2]int{2, 3},
	},
	{
		Ref: "para 79", Title: "STRIVE Juvenile study on children associated with terrorist groups",
		Narrative: "Multi-country study based on field research with girls, boys and young people affected by terrorism, with recommendations compliant with children's rights.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP4",
		Outputs: []string{"TA4.3.3"}, Results: []string{"SP4.R1"}, Pledges: []string{"HRP12"}, SDGTargets: []string{"16.2"}, Markers: []string{"CY", "HR", "GE"},
		Countries: []string{"ID", "IQ", "NG"}, Reach: noReach,
	},
	{
		Ref: "para 80", Title: "Regional coordination platform on preventing violent extremism",
		Narrative: "Meeting of the regional platform to coordinate national action plans on preventing violent extremism.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP4",
		Outputs: []string{"TA4.5.2"}, Results: []string{"SP4.R1"}, SDGTargets: []string{"16.a"},
		Countries: []string{"ID", "MY", "PH", "TH"}, Reach: experts, Qty: [2]int{2, 2},
	},
	{
		Ref: "para 81", Title: "Countering Terrorist Travel: review of passenger data legislation",
		Narrative: "Review of the legal and regulatory framework on advance passenger information and passenger name records, with safeguards for data protection.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP4",
		Outputs: []string{"TA4.2.2"}, Results: []string{"SP4.R1"}, SDGTargets: []string{"16.a"}, Markers: []string{"HR"},
		Countries: []string{"AZ", "BW", "CI", "DJ", "GM", "MD", "MN", "NE", "NG", "PH", "TG", "WS"}, Reach: counterpart,
	},
	{
		Ref: "para 82", Title: "Model forms for obtaining electronic evidence from service providers",
		Narrative: "Model request forms, developed with national service providers, for preserving and obtaining electronic evidence in terrorism cases.",
		Type:      "technical_material", Subcategory: "B.TM", Subprogramme: "SP4",
		Outputs: []string{"TA4.2.1"}, Results: []string{"SP4.R3"}, SDGTargets: []string{"16.a"},
		Countries: []string{"PK"}, Reach: noReach,
	},
	{
		Ref: "Box 1", Title: "Legal and psychosocial support for victims of terrorism",
		Narrative: "Victims of terrorism received legal and psychosocial support in their communities and were supported as agents of change in preventing violent extremism.",
		Type:      "project", Subcategory: "B.FTC", Subprogramme: "SP4",
		Outputs: []string{"TA4.5.1"}, Results: []string{"SP4.R1"}, Markers: []string{"HR", "GE"},
		Countries: []string{"IQ"}, Partners: []string{"Association of Victims of Terrorism of Lebanon"}, Reach: noReach,
	},

	// E. Crime prevention and criminal justice.
	{
		Ref: "para 85", Title: "Training of legal aid providers on equal access to justice",
		Narrative: "Legal aid lawyers and paralegals trained on early access to legal aid and on the needs of women, children and persons with disabilities in the justice system.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.1.3"}, Results: []string{"SP5.R2"}, Pledges: []string{"HRP11"}, SDGTargets: []string{"16.3"}, Markers: []string{"HR", "GE"},
		Countries: justice, Reach: reach{15, 35, 0.55, "adults"},
	},
	{
		Ref: "para 85", Title: "Training on human rights-based and gender-sensitive policing",
		Narrative: "Police officers and trainers trained on human rights-based, gender-sensitive policing and accountability to the community.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.1.1"}, Results: []string{"SP5.R2"}, Pledges: []string{"HRP14"}, SDGTargets: []string{"16.3"}, Markers: []string{"HR", "GE"},
		Countries: justice, Reach: reach{15, 30, 0.3, "adults"},
	},
	{
		Ref: "para 86", Title: "Sport-based life skills training for young people at risk",
		Narrative: "Coaches and young people trained in individual and social skills through sport, to build resilience to crime, violence and drug use.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.2.3"}, Results: []string{"SP5.R1"}, SDGTargets: []string{"16.1"}, Markers: []string{"CY", "GE"},
		Countries: []string{"DZ", "EG", "JO", "LB", "MA", "MX", "NG", "TN", "UG"}, Reach: young,
	},
	{
		Ref: "para 86", Title: "Policy advice on a crime prevention strategy addressing drivers of gang violence",
		Narrative: "Advice to national and local authorities on a crime prevention strategy addressing the root causes of crime, victimization and gang violence.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP5",
		Outputs: []string{"TA5.2.1"}, Results: []string{"SP5.R1"}, SDGTargets: []string{"16.1"},
		Countries: []string{"ID", "KE", "MX", "NG", "PH", "SV", "US"}, Reach: counterpart,
	},
	{
		Ref: "para 87", Title: "Training of police and justice actors on responding to violence against women",
		Narrative: "Police, prosecutors and victim support services trained on coordinated responses to violence against women and on case reviews of gender-related killings.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.3.1"}, Results: []string{"SP5.R3"}, Pledges: []string{"HRP16"}, SDGTargets: []string{"5.2"}, Markers: []string{"GE", "HR"},
		Countries: []string{"AR", "KE", "KG", "MX", "NG", "PE", "TN"}, Reach: reach{15, 35, 0.6, "adults"},
	},
	{
		Ref: "para 87", Title: "Webinar on the statistical framework for measuring gender-related killings of women and girls",
		Narrative: "Statisticians and criminal justice practitioners introduced to the statistical framework for measuring femicide and to multi-stakeholder case reviews.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.3.2"}, Results: []string{"SP5.R3"}, Pledges: []string{"HRP17"}, SDGTargets: []string{"5.2", "16.1"}, Markers: []string{"GE"},
		Reach: reach{60, 200, 0.7, ""}, Qty: [2]int{1, 1},
	},
	{
		Ref: "para 88", Title: "Game-based learning materials on preventing violence against children",
		Narrative: "Game-based learning materials for children and teachers on recognizing violence and seeking help.",
		Type:      "technical_material", Subcategory: "B.TM", Subprogramme: "SP5",
		Outputs: []string{"TA5.4.4"}, Results: []string{"SP5.R1"}, Pledges: []string{"HRP12"}, SDGTargets: []string{"16.2"}, Markers: []string{"CY"},
		Countries: []string{"ID"}, Reach: noReach,
	},
	{
		Ref: "para 88", Title: "Capacity development for justice and child protection professionals on violence against children",
		Narrative: "Justice, social welfare and child protection professionals trained on child-friendly procedures and psychosocial assessment of children.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.4.2"}, Results: []string{"SP5.R2"}, Pledges: []string{"HRP12"}, SDGTargets: []string{"16.2"}, Markers: []string{"CY", "HR"},
		Reach: reach{15, 35, 0.6, "adults"},
	},
	{
		Ref: "Box 2", Title: "Youth-led radio campaign on children victimized by terrorist groups",
		Narrative: "Radio programmes produced by youth peace champions on the victimization of children by terrorist groups and on their reintegration.",
		Type:      "campaign", Subcategory: "D.EXT", Subprogramme: "SP5",
		Outputs: []string{"TA5.4.4"}, Results: []string{"SP5.R1"}, Pledges: []string{"HRP12"}, SDGTargets: []string{"16.2"}, Markers: []string{"CY"},
		Countries: []string{"NG"}, Reach: noReach,
	},
	{
		Ref: "para 89", Title: "Advice on aligning the prison system with the Nelson Mandela Rules",
		Narrative: "Review of prison legislation and regulations against the Nelson Mandela Rules, with a road map agreed with the prison service.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP5",
		Outputs: []string{"TA5.5.2"}, Results: []string{"SP5.R2"}, SDGTargets: []string{"16.3"}, Markers: []string{"HR"},
		Countries: []string{"GH", "NG"}, Reach: counterpart,
	},
	{
		Ref: "para 89", Title: "Training of probation officers on non-custodial measures",
		Narrative: "Probation officers and magistrates trained on non-custodial measures, moving away from imprisonment as the default response to crime.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.5.1", "TA5.5.3"}, Results: []string{"SP5.R2"}, SDGTargets: []string{"16.3"}, Markers: []string{"HR"},
		Countries: []string{"KE", "KG"}, Reach: judiciary,
	},
	{
		Ref: "para 89", Title: "Managing violent extremist prisoners and preventing radicalization in prisons",
		Narrative: "Prison staff trained on risk assessment, management of violent extremist prisoners and countering organized crime inside prisons.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP5",
		Outputs: []string{"TA5.5.2"}, Results: []string{"SP5.P21"}, SDGTargets: []string{"16.a"}, Markers: []string{"HR"},
		Countries: []string{"BR", "IQ", "TJ"}, Reach: reach{12, 30, 0.3, "adults"},
	},
	{
		Ref: "para 89", Title: "Crisis preparedness of the penitentiary system",
		Narrative: "Advice to the prison administration on contingency planning, evacuation and continuity of health care in prisons during the crisis.",
		Type:      "advisory_mission", Subcategory: "C.CAA", Subprogramme: "SP5",
		Outputs: []string{"TA5.5.2"}, Results: []string{"SP5.R2"}, SDGTargets: []string{"16.3"}, Markers: []string{"HR"},
		Countries: []string{"UA"}, Reach: counterpart,
	},
	{
		Ref: "para 90", Title: "Launch of the Global Study on Homicide",
		Narrative: "Global Study on Homicide, highlighting the impact of organized crime on violence in the Americas and the gender dimension of homicide.",
		Type:      "publication", Subcategory: "B.PUB", Subprogramme: "SP5",
		Outputs: []string{"TA5.2.1"}, Results: []string{"SP5.R1"}, SDGTargets: []string{"16.1"}, Markers: []string{"GE"},
		Offices: []string{"HQ"}, Reach: noReach,
	},

	// Field support, policy support and the governing bodies.
	{
		Ref: "para 40(a); plan SP8.R1", Title: "Port control unit operational training",
		Narrative: "Port control unit officers trained on risk profiling and joint inspections at the port, under the integrated programme for the region.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP8",
		Outputs: []string{"TA1.7.2", "TA2.2.1"}, Results: []string{"SP8.R1"}, SDGTargets: []string{"16.4"},
		Countries: []string{"MZ"}, Partners: []string{"WCO"}, Reach: enforcement,
	},
	{
		Ref: "para 40(c); plan SP8.R3", Title: "Maritime law enforcement training for Pacific island States",
		Narrative: "Maritime police and fisheries officers trained on boarding, evidence collection and prosecution of maritime crime.",
		Type:      "training", Subcategory: "B.SWT", Subprogramme: "SP8",
		Outputs: []string{"TA2.2.1"}, Results: []string{"SP8.R3"}, SDGTargets: []string{"16.4"},
		Countries: []string{"FJ", "PG", "WS"}, Reach: enforcement,
	},
	{
		Ref: "para 91", Title: "Results-based management workshop for programme staff",
		Narrative: "Programme staff trained on results-based management, monitoring against the Strategy's outputs and the Secretariat's project management system.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP8",
		Results: []string{"SP8.P21"}, Markers: []string{"GE"},
		Reach: reach{15, 35, 0.55, "adults"}, Qty: [2]int{1, 3},
	},
	{
		Ref: "paras 46, 92", Title: "Dialogue between civil society and national authorities on the Organized Crime Convention",
		Narrative: "Non-governmental organizations, academia and national authorities discussed civil society's role in the Review Mechanism of the Organized Crime Convention.",
		Type:      "workshop", Subcategory: "B.SWT", Subprogramme: "SP7",
		Outputs: []string{"TA2.1.2"}, Results: []string{"SP7.R2"}, Pledges: []string{"HRP15"}, SDGTargets: []string{"16.4"},
		Reach: experts, Qty: [2]int{1, 2},
	},
	{
		Ref: "para 5", Title: "Commission on Narcotic Drugs: meetings serviced",
		Narrative: "Conference and secretariat services to the Commission's session and intersessional meetings, including the stocktaking before the midterm review.",
		Type:      "meeting_serviced", Subcategory: "A.CSS", Subprogramme: "SP9.1",
		Outputs: []string{"TA1.8.1", "TA1.8.2"}, Results: []string{"SP9.1.R2"},
		Offices: []string{"HQ"}, Reach: delegates, Qty: [2]int{4, 16},
	},
	{
		Ref: "para 6", Title: "Commission on Crime Prevention and Criminal Justice: thematic discussions serviced",
		Narrative: "Substantive services to the Commission's thematic discussions on promoting the rule of law, in follow-up to the Kyoto Declaration.",
		Type:      "meeting_serviced", Subcategory: "A.SSM", Subprogramme: "SP9.1",
		Outputs: []string{"TA5.6.2"}, Results: []string{"SP9.1.R3"}, SDGTargets: []string{"16.3"},
		Offices: []string{"HQ"}, Reach: delegates, Qty: [2]int{2, 6},
	},
	{
		Ref: "Summary", Title: "Report of the Executive Director on the activities of UNODC",
		Narrative: "Annual report to the Commissions on UNODC's activities by thematic area, with recommendations for their consideration.",
		Type:      "parliamentary_document", Subcategory: "A.PD", Subprogramme: "SP9.1",
		Outputs: []string{"TA1.8.2", "TA5.6.2"}, Results: []string{"SP9.1.R1"},
		Offices: []string{"HQ"}, Reach: noReach,
	},
}
