/// The inline style sheet, table markup and script of the HTML report.
enum HTMLAssets {
    static let css = """
        body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 40px;color:#1d2330;background:#fafbfc}
        h1{font-size:22px;margin:18px 0 2px}h2{font-size:17px;margin:22px 0 8px}.meta{color:#667;margin:0}
        .totals{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}
        .tile{background:#fff;border:1px solid #dde;border-radius:6px;padding:8px 14px;min-width:110px}
        .tile b{display:block;font-size:22px}.tile span{color:#667;font-size:12px}
        .charts{display:flex;flex-wrap:wrap;gap:16px}.chart{background:#fff;border:1px solid #dde;border-radius:6px;
        margin:0;padding:8px 12px}.chart figcaption{font-weight:600;margin-bottom:4px}
        .chart rect{fill:#4f6bd8}.chart text{font-size:12px;fill:#333}
        table{border-collapse:collapse;width:100%;background:#fff}th,td{border-bottom:1px solid #e4e6ee;
        padding:4px 6px;text-align:left;vertical-align:top}th{background:#f0f2f8;position:sticky;top:0}
        #findings th[data-sort]{cursor:pointer}#findings th.sorted::after{content:" \\25BE"}
        #findings th.sorted.asc::after{content:" \\25B4"}
        td.path,td.ctx{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
        tr.finding{cursor:pointer}tr.finding:hover{background:#f5f7ff}
        .st{border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}.st-open{background:#fde2e1}
        .st-revoked{background:#dff3e4}.st-false-positive{background:#eee}.st-accepted{background:#fff1c9}
        .newloc{color:#b3261e;font-weight:600;font-size:11px;margin-left:4px}
        .filters{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
        .filters select,.filters input{padding:3px}.pager{margin:8px 0;display:flex;gap:8px;align-items:center}
        tr.detail td{background:#f8f9fd}tr.detail ol{margin:4px 0}
        """

    static let tableShell = """
        <section><h2>Findings</h2>
        <div class="filters">
        <label>Repository <select id="f-repo"><option value="">all</option></select></label>
        <label>Rule <select id="f-rule"><option value="">all</option></select></label>
        <label>Status <select id="f-status"><option value="">all</option><option>open</option>\
        <option>revoked</option><option>false-positive</option><option>accepted</option></select></label>
        <label>Still at HEAD <select id="f-head"><option value="">either</option><option value="yes">yes</option>\
        <option value="no">no</option></select></label>
        <label>Search <input id="f-q" type="search" placeholder="path, author, fingerprint"></label>
        <span id="count"></span></div>
        <table id="findings"><thead><tr><th data-sort="repo">Repository</th><th data-sort="rule">Rule</th>
        <th data-sort="path">Path</th><th>Secret</th><th data-sort="date">First commit</th>
        <th data-sort="head">At HEAD</th><th data-sort="status">Status</th></tr></thead><tbody></tbody></table>
        <div class="pager"><button id="prev">Previous</button><span id="page"></span><button id="next">Next</button>
        </div></section>

        """

    /// Columns of a finding row in the embedded data.
    static let script = """
        (function(){"use strict";
        var R=0,U=1,P=2,L=3,RED=4,CTX=5,SHA=6,AUTH=7,DATE=8,SUM=9,HEAD=10,ST=11,NOTE=12,FP=13,NEWLOC=14,LOCS=15;
        var D=JSON.parse(document.getElementById("hush-data").textContent);
        var F=D.findings,PAGE=100,view=[],page=0,open={};
        var state={repo:"",rule:"",status:"",head:"",q:"",sort:"date",dir:"asc"};
        function el(tag,text,cls){var e=document.createElement(tag);if(text!==undefined)e.textContent=String(text);
        if(cls)e.className=cls;return e;}
        function byId(id){return document.getElementById(id);}
        function fill(select,values){values.forEach(function(v){var o=el("option",v);o.value=v;select.appendChild(o);});}
        fill(byId("f-repo"),Array.from(new Set(D.repos.map(function(r){return r.name;}))).sort());
        fill(byId("f-rule"),D.rules.map(function(r){return r.id;}).sort());
        function day(s){return s?new Date(s*1000).toISOString().slice(0,10):"";}
        function key(f,k){switch(k){case "repo":return D.repos[f[R]].name;case "rule":return D.rules[f[U]].id;
        case "path":return f[P];case "head":return f[HEAD];case "status":return f[ST];default:return f[DATE];}}
        function apply(){
        var q=state.q.toLowerCase();
        view=[];
        for(var i=0;i<F.length;i++){var f=F[i];
        if(state.repo&&D.repos[f[R]].name!==state.repo)continue;
        if(state.rule&&D.rules[f[U]].id!==state.rule)continue;
        if(state.status&&f[ST]!==state.status)continue;
        if(state.head&&(f[HEAD]===1)!==(state.head==="yes"))continue;
        if(q&&(f[P]+" "+f[AUTH]+" "+f[FP]+" "+f[SHA]+" "+D.repos[f[R]].name).toLowerCase().indexOf(q)<0)continue;
        view.push(i);}
        var k=state.sort,m=state.dir==="desc"?-1:1;
        view.sort(function(a,b){var x=key(F[a],k),y=key(F[b],k);return x<y?-m:x>y?m:a-b;});
        page=0;render();}
        function commitCell(f){var td=el("td");var web=D.repos[f[R]].web;
        if(f[SHA]&&web){var a=el("a",f[SHA].slice(0,10));a.href=web+"/commit/"+f[SHA];a.rel="noopener noreferrer";
        td.appendChild(a);}else td.appendChild(el("code",f[SHA].slice(0,10)));
        td.appendChild(el("div",day(f[DATE])+" "+f[AUTH]));return td;}
        function detail(f){var tr=el("tr",undefined,"detail"),td=el("td");td.colSpan=7;var rule=D.rules[f[U]];
        td.appendChild(el("div","Line "+f[L]+": "+f[CTX],"ctx"));
        td.appendChild(el("div","Commit: "+f[SUM]+(f[LOCS]>1?" ("+f[LOCS]+" places in history)":"")));
        td.appendChild(el("div","Fingerprint: "+f[FP]+(f[NOTE]?" | Note: "+f[NOTE]:"")));
        var ol=el("ol");
        ol.appendChild(el("li","Rotate first: "+(rule.remediation||("revoke this "+(rule.provider||"credential")+
        " with its issuer and issue a new one"))+"."));
        ol.appendChild(el("li","Then remove it from history (git filter-repo --replace-text, or BFG) and force-push; "+
        "rewriting history does not make a leaked secret safe, rotation does."));
        ol.appendChild(el("li","Record the decision: hush triage set "+f[FP]+" --status revoked"));
        td.appendChild(ol);
        rule.references.forEach(function(u){var a=el("a",u);a.href=u;a.rel="noopener noreferrer";td.appendChild(a);
        td.appendChild(el("span"," "));});
        tr.appendChild(td);return tr;}
        function render(){
        var body=document.querySelector("#findings tbody"),rows=document.createDocumentFragment();
        var pages=Math.max(1,Math.ceil(view.length/PAGE));if(page>=pages)page=pages-1;
        var slice=view.slice(page*PAGE,page*PAGE+PAGE);
        slice.forEach(function(i){var f=F[i],tr=el("tr",undefined,"finding");tr.dataset.fp=f[FP];
        tr.appendChild(el("td",D.repos[f[R]].name));tr.appendChild(el("td",D.rules[f[U]].id));
        tr.appendChild(el("td",f[P]+":"+f[L],"path"));tr.appendChild(el("td",f[RED],"ctx"));
        tr.appendChild(commitCell(f));tr.appendChild(el("td",f[HEAD]?"yes":"no"));
        var st=el("td");st.appendChild(el("span",f[ST],"st st-"+f[ST]));
        if(f[NEWLOC])st.appendChild(el("span","new place","newloc"));tr.appendChild(st);
        tr.addEventListener("click",function(e){if(e.target.tagName==="A")return;open[f[FP]]=!open[f[FP]];render();});
        rows.appendChild(tr);if(open[f[FP]])rows.appendChild(detail(f));});
        body.replaceChildren(rows);
        byId("count").textContent=view.length+" of "+F.length+" findings";
        byId("page").textContent="page "+(page+1)+" of "+pages;
        document.querySelectorAll("#findings th").forEach(function(th){
        th.className=th.dataset.sort===state.sort?("sorted "+state.dir):"";});
        var b=document.body.dataset;b.total=F.length;b.shown=view.length;b.pageRows=slice.length;
        b.first=slice.length?F[slice[0]][FP]:"";b.ready="1";}
        function bind(id,field){var e=byId(id);e.value=state[field];
        e.addEventListener(e.tagName==="INPUT"?"input":"change",function(){state[field]=e.value;apply();});}
        function fromHash(){var h=location.hash.replace(/^#/,"");h.split("&").forEach(function(p){
        var kv=p.split("=");if(kv.length===2&&Object.prototype.hasOwnProperty.call(state,kv[0]))
        state[kv[0]]=decodeURIComponent(kv[1]);});}
        fromHash();
        [["f-repo","repo"],["f-rule","rule"],["f-status","status"],["f-head","head"],["f-q","q"]].forEach(function(p){
        bind(p[0],p[1]);});
        document.querySelectorAll("#findings th[data-sort]").forEach(function(th){th.addEventListener("click",function(){
        if(state.sort===th.dataset.sort)state.dir=state.dir==="asc"?"desc":"asc";else{state.sort=th.dataset.sort;
        state.dir="asc";}apply();});});
        byId("prev").addEventListener("click",function(){if(page>0){page--;render();}});
        byId("next").addEventListener("click",function(){if((page+1)*PAGE<view.length){page++;render();}});
        window.addEventListener("hashchange",function(){fromHash();apply();});
        apply();})();
        """
}
