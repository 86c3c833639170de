<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name></name>
    <message>
        <location filename="../../ui/errors.py" line="76"/>
        <source>Please check “%s”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="77"/>
        <source>Nothing was saved. Correct it and save again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="80"/>
        <source>No secure keyring</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="83"/>
        <source>This profile needs a newer cvi-desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="85"/>
        <source>Someone changed this record meanwhile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="86"/>
        <source>Your copy was refreshed. Look at the new version and make your change again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="89"/>
        <source>Record not found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="90"/>
        <source>It may belong to another profile. Refresh the list and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="93"/>
        <source>Sign-in needed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="94"/>
        <source>Your hub token was refused. Sign in again with a new token from your supervisor. Nothing on this laptop was lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="98"/>
        <source>The hub cannot be reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="99"/>
        <source>Your work is saved on this laptop and will be shared when the hub is reachable. Check the network, or the hub address in Sign in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="103"/>
        <source>That did not work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="104"/>
        <source>Something went wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/errors.py" line="105"/>
        <source>Your saved work is safe. Try again; if it keeps happening, copy the details and send them to your supervisor.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CaseworkTab</name>
    <message>
        <location filename="../../ui/casework_tab.py" line="33"/>
        <source>Referrals and follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="36"/>
        <location filename="../../ui/casework_tab.py" line="42"/>
        <source>Referrals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="38"/>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="39"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="40"/>
        <source>Provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="41"/>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="46"/>
        <source>Referral category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="50"/>
        <source>Provider (shared with your organisation only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="51"/>
        <source>Referral provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="52"/>
        <source>Add &amp;referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="53"/>
        <source>Add referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="55"/>
        <source>New status for the selected referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="58"/>
        <source>Set status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="59"/>
        <source>Set status of the selected referral</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="64"/>
        <location filename="../../ui/casework_tab.py" line="70"/>
        <source>Follow-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="66"/>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="67"/>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="68"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="69"/>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="76"/>
        <source>Follow-up due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="78"/>
        <source>Follow-up kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="81"/>
        <source>Schedule &amp;follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="82"/>
        <source>Schedule follow-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="83"/>
        <source>Mark &amp;done…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="84"/>
        <source>Mark the selected follow-up done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="97"/>
        <source>Done %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="99"/>
        <source>Overdue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="100"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="127"/>
        <source>Follow-up done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/casework_tab.py" line="127"/>
        <source>What happened?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CpdTab</name>
    <message>
        <location filename="../../ui/cpd_tab.py" line="17"/>
        <source>What CPD will see</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="22"/>
        <source>About this record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="26"/>
        <source>JSON sent to CPD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="28"/>
        <source>&amp;Copy JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="29"/>
        <source>Copy JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="43"/>
        <source>This is the exact record queued for CPD (version %d, %s). Only these fields leave this laptop; names, notes, phone numbers, coordinates and risk reasons never do.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/cpd_tab.py" line="49"/>
        <source>Nothing has been sent to CPD for this incident. When a supervisor approves it, CPD will receive exactly this, built by the same sharing rules. Names, notes, phone numbers, coordinates and risk reasons never leave this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <location filename="../../ui/error_dialog.py" line="24"/>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="31"/>
        <source>What to do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="34"/>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="38"/>
        <source>Show &amp;details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="39"/>
        <source>Show details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="42"/>
        <source>&amp;Copy details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/error_dialog.py" line="43"/>
        <source>Copy details</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FactsTab</name>
    <message>
        <location filename="../../ui/facts_tab.py" line="49"/>
        <source>Incident facts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="51"/>
        <source>What CPD told us</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="62"/>
        <location filename="../../ui/facts_tab.py" line="68"/>
        <source>Correction history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="64"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="65"/>
        <source>Recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="66"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/facts_tab.py" line="67"/>
        <source>What changed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentDetailView</name>
    <message>
        <location filename="../../ui/detail_view.py" line="41"/>
        <source>Incident detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="44"/>
        <source>Choose an incident in the queue to see it here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="52"/>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="55"/>
        <source>Incident summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="58"/>
        <source>Sync state</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="61"/>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="62"/>
        <source>Assi&amp;gn</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="63"/>
        <source>Assign</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="65"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="68"/>
        <source>Set stat&amp;us</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="69"/>
        <source>Set status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="70"/>
        <source>A&amp;pprove for CPD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="71"/>
        <source>Approve for CPD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="72"/>
        <source>Has &amp;issues…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="73"/>
        <source>Review: has issues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="75"/>
        <location filename="../../ui/detail_view.py" line="185"/>
        <source>Review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="86"/>
        <source>Incident sections</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="92"/>
        <source>&amp;Responses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="93"/>
        <source>CPD &amp;facts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="94"/>
        <source>Referrals &amp;&amp; follo&amp;w-ups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="95"/>
        <source>People &amp;&amp; &amp;notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="96"/>
        <source>What &amp;CPD will see</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="141"/>
        <source>Received %s (%s ago) · %s · beat %s · %s victim(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="149"/>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="156"/>
        <source>Review: %s by %s, %s%s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="158"/>
        <source>Not reviewed yet. CPD receives nothing until a supervisor approves.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/detail_view.py" line="185"/>
        <source>What should the worker fix?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentQueueView</name>
    <message>
        <location filename="../../ui/queue_view.py" line="46"/>
        <source>Incident queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="49"/>
        <source>Search RD number, block, beat, notes…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="50"/>
        <source>Search incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="52"/>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="52"/>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="52"/>
        <source>All statuses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="54"/>
        <source>District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="54"/>
        <source>All districts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="56"/>
        <source>Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="56"/>
        <source>All types</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="58"/>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="58"/>
        <source>Anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="58"/>
        <source>Me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="59"/>
        <source>Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="62"/>
        <source>Number of incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="66"/>
        <source>S&amp;tatus</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="66"/>
        <source>&amp;District</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="67"/>
        <source>T&amp;ype</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="67"/>
        <source>&amp;Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="68"/>
        <source>&amp;Received</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/queue_view.py" line="76"/>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/queue_view.py" line="162"/>
        <source>%n incident(s)</source>
        <translation type="unfinished">
            <numerusform></numerusform>
            <numerusform></numerusform>
        </translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="77"/>
        <source>Locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="78"/>
        <source>cvi-desktop is locked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="80"/>
        <source>Profile “%s” was locked after a period of inactivity. Enter your hub token to continue. Your work is saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="85"/>
        <location filename="../../ui/idle_lock.py" line="86"/>
        <source>Hub token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="87"/>
        <source>&amp;Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="88"/>
        <source>Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="90"/>
        <source>Unlock message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="92"/>
        <source>Demo profile: leave empty and press Unlock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="114"/>
        <source>The keyring could not be read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="121"/>
        <source>That is not this profile&apos;s token.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="34"/>
        <source>cvi-desktop — %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="36"/>
        <source>cvi-desktop main window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="98"/>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="98"/>
        <source>&amp;Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="99"/>
        <source>&amp;Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="99"/>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="100"/>
        <source>&amp;Lock now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="101"/>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="102"/>
        <source>&amp;Find…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="103"/>
        <source>&amp;Log a response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="104"/>
        <source>&amp;Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="105"/>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="106"/>
        <source>&amp;Share now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="107"/>
        <source>Sync &amp;panel…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="108"/>
        <source>&amp;About cvi-desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="153"/>
        <source>%s in district %s, received %s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="183"/>
        <source>About cvi-desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="184"/>
        <source>cvi-desktop — offline-first incident response for street-outreach teams.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationBanner</name>
    <message>
        <location filename="../../ui/notifier.py" line="33"/>
        <source>New notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/notifier.py" line="39"/>
        <source>&amp;Open incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/notifier.py" line="40"/>
        <source>Open the new incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/notifier.py" line="41"/>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/notifier.py" line="42"/>
        <source>Dismiss notification</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <location filename="../../ui/notifier.py" line="85"/>
        <source>New CPD notification</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PeopleTab</name>
    <message>
        <location filename="../../ui/people_tab.py" line="27"/>
        <source>People and notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="29"/>
        <source>Participants and notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="30"/>
        <location filename="../../ui/people_tab.py" line="36"/>
        <source>Participants</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="32"/>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="33"/>
        <location filename="../../ui/people_tab.py" line="46"/>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="34"/>
        <source>Consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="34"/>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="34"/>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="35"/>
        <source>Added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="40"/>
        <source>First name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="41"/>
        <source>Participant first name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="43"/>
        <source>Last name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="44"/>
        <source>Participant last name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="47"/>
        <source>Participant phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="48"/>
        <location filename="../../ui/people_tab.py" line="49"/>
        <source>Consent given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="50"/>
        <source>Add &amp;participant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="51"/>
        <source>Add participant</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="56"/>
        <location filename="../../ui/people_tab.py" line="61"/>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="58"/>
        <source>Written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="59"/>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="60"/>
        <source>Note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="64"/>
        <source>Write a note (stays on this laptop)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="65"/>
        <source>New note, stays on this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="68"/>
        <source>Add &amp;note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/people_tab.py" line="69"/>
        <source>Add note</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResponseForm</name>
    <message>
        <location filename="../../ui/response_form.py" line="53"/>
        <source>Log a response action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="56"/>
        <source>Action type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="61"/>
        <source>Started at (Chicago time)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="65"/>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="66"/>
        <source>still going</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="67"/>
        <source>Duration in minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="70"/>
        <source>Staff on this action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="71"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="72"/>
        <source>Mediation result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="73"/>
        <source>—</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="74"/>
        <source>Retaliation risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="75"/>
        <source>Not assessed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="77"/>
        <source>Why? (stays on this laptop)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="78"/>
        <source>Basis for the risk level, stays on this laptop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="79"/>
        <source>&amp;Save action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="80"/>
        <source>Save action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="81"/>
        <source>Save on this laptop (Ctrl+Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="83"/>
        <source>Form message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="87"/>
        <source>&amp;Type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="91"/>
        <source>S&amp;tarted / duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="92"/>
        <source>Sta&amp;ff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="93"/>
        <source>&amp;Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="94"/>
        <source>&amp;Mediation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="98"/>
        <source>&amp;Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="172"/>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/response_form.py" line="183"/>
        <source>Saved on this laptop.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResponsesTab</name>
    <message>
        <location filename="../../ui/responses_tab.py" line="17"/>
        <source>Responses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="19"/>
        <source>Log a response</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="22"/>
        <location filename="../../ui/responses_tab.py" line="31"/>
        <source>Response log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="24"/>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="25"/>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="26"/>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="27"/>
        <source>Staff</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="28"/>
        <source>Ended</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="28"/>
        <source>still going</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="29"/>
        <source>Risk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/responses_tab.py" line="30"/>
        <source>Mediation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <location filename="../../ui/sign_in.py" line="67"/>
        <source>Sign in — cvi-desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="68"/>
        <location filename="../../ui/sign_in.py" line="91"/>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="70"/>
        <source>Sign in with the hub address and the token your supervisor gave you. Each person on a shared laptop has their own profile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="75"/>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="80"/>
        <source>Hub address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="83"/>
        <source>Hub token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="84"/>
        <source>I review records (supervisor tools)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="85"/>
        <source>Supervisor tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="88"/>
        <source>Sign-in message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="89"/>
        <source>&amp;Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="92"/>
        <source>Try the &amp;demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="93"/>
        <source>Try the demo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="94"/>
        <location filename="../../ui/sign_in.py" line="95"/>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="98"/>
        <source>&amp;Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="98"/>
        <source>Hub &amp;address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="99"/>
        <source>&amp;Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="139"/>
        <source>Choose a profile name: letters, digits, dot, dash or underscore.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="142"/>
        <source>Enter the hub address and your token.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="144"/>
        <source>Checking with the hub…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="166"/>
        <source>Signed in.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncBridge</name>
    <message>
        <location filename="../../ui/sync_bridge.py" line="147"/>
        <source>Not signed in to a hub</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_bridge.py" line="148"/>
        <source>Sign in to a hub to share your work.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SyncPanel</name>
    <message>
        <location filename="../../ui/sync_panel.py" line="51"/>
        <source>Sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="52"/>
        <source>Sync panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="54"/>
        <source>Sync summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="57"/>
        <location filename="../../ui/sync_panel.py" line="67"/>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="58"/>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="59"/>
        <source>Hub&apos;s reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="60"/>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="61"/>
        <source>Records that need attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="62"/>
        <source>&amp;Retry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="63"/>
        <source>Retry the selected record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="64"/>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="65"/>
        <source>Open the selected record&apos;s incident to edit it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="68"/>
        <source>For</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="68"/>
        <source>CPD</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="69"/>
        <source>Your organisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="70"/>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="71"/>
        <source>Tries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="72"/>
        <source>Next try</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="72"/>
        <source>next sync</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="73"/>
        <source>Last problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="74"/>
        <source>Records waiting to be shared</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="75"/>
        <source>&amp;Share now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="76"/>
        <source>Share now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="82"/>
        <source>Needs attention</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="89"/>
        <source>Waiting to share</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="108"/>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/sync_panel.py" line="109"/>
        <source>%d waiting to share · %d need attention · %d shared (last %s)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>widgets</name>
    <message>
        <location filename="../../ui/widgets.py" line="47"/>
        <source>🔒 %s stay on this laptop. They are never sent to the hub or to CPD.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../../ui/widgets.py" line="52"/>
        <source>Privacy notice</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
