# Source: docs/sources/uniconnect-role-management.txt, "Who can see this?", "Creating Role" and
# "Assigning Roles to Users".
Feature: Role Management
  "Access to Role Management is managed through Role Configurations." A role has a unique
  name and permissions; assigning a role to a user controls their level of data access.

  Background:
    Given the policy set "crm"

  Scenario: Only the System Owner and the CRM Admin can manage roles
    Then only these roles can "Role Configuration":
      | role         |
      | System Owner |
      | CRM Admin    |
    And only these users can "roles:configure":
      | user  |
      | erin  |
      | heidi |

  Scenario: A new role has exactly the permissions it was created with
    When a role "support-lead" titled "Support Lead" is created with these permissions:
      | permission           | level |
      | View (CRM Modules)   | group |
      | Update (CRM Modules) | group |
      | Manage Conversations |       |
    Then the role "Support Lead" has exactly these permissions:
      | permission           | level |
      | View (CRM Modules)   | group |
      | Update (CRM Modules) | group |
      | Manage Conversations |       |

  Scenario: Role names are unique
    When a role "sales-agent-2" titled "sales agent" is created with these permissions:
      | permission  |
      | Send E-mail |
    Then the change is rejected because "looks the same"

  Scenario: A scoped permission is granted at an access level, never by default
    When a role "probe" titled "Probe" is created with these permissions:
      | permission         |
      | View (CRM Modules) |
    Then the change is rejected because "must name a level"

  Scenario: Assigning a role to a user controls their level of data access
    Then "frank" cannot "View" "CRM Modules" records of his group
    When "frank" is assigned the role "Team Lead"
    Then "frank" has the role "Team Lead"
    And "frank" can "View" "CRM Modules" records of his group
    And "frank" cannot "View" "CRM Modules" records of everyone

  Scenario: A user introduced by a scenario gets the access of their role
    Given a user "zoe" with the role "Support Agent"
    Then "zoe" can "Manage Conversations"
    And "zoe" can "Update" "CRM Modules" records of group members
    When "zoe" is assigned the role "Auditor"
    Then "zoe" cannot "Manage Conversations"
    And "zoe" can "Audit Logs" of everyone

  Scenario: Choosing a level for a permission replaces the level it had
    When the role "Team Lead" is granted "Update" "CRM Modules" of everyone
    Then the role "Team Lead" can "Update" "CRM Modules" records of everyone
    And the change escalates access
    When the role "Team Lead" is granted "Update" "CRM Modules" of her own
    Then the role "Team Lead" cannot "Update" "CRM Modules" records of her group

  Scenario: A role is created with a detailed description
    When a role "support-lead" titled "Support Lead" described as "Leads the support agents; sees and updates the group's records." is created with these permissions:
      | permission         | level |
      | View (CRM Modules) | group |
    Then every role has a name and a description
    And the role "Support Lead" has no sensitive permission

  Scenario: The owner role cannot be deleted, nor the default role
    Then the role "System Owner" cannot be deleted
    And the role "User" cannot be deleted
