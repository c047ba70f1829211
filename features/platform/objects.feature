# Source: docs/sources/unifyapps-roles.txt, "Category 3: Objects".
Feature: Object access
  "You have two options for defining object access: Grant Access to All Objects (access to all
  object records), Allow Objects Listed Below (access to specific object records)."

  Background:
    Given the policy set "platform"

  Scenario: Grant Access to All Objects
    Then the role "Platform Admin" can access every object
    And the role "Auditor" can access every object
    And "james.wilson@acme.example" can access the object "Employee"
    And the role "Auditor" can access a new object "shipment"

  Scenario: Allow Objects Listed Below
    Then the role "Member" can access only these objects:
      | object   |
      | customer |
      | product  |
    And the role "Member" can access the object "Customer"
    But the role "Member" cannot access the object "invoice"
    And the role "Member" cannot access a new object "shipment"

  Scenario: Objects listed by a role and by the roles it builds on add up
    Then the role "Automation Builder" can access only these objects:
      | object   |
      | customer |
      | product  |
      | lead     |
      | order    |
      | ticket   |
    And the role "Workspace Lead" can access only these objects:
      | object   |
      | customer |
      | product  |
      | lead     |
      | order    |
      | ticket   |
      | account  |
      | contract |
    And the role "Integration Engineer" can access only these objects:
      | object   |
      | customer |
      | product  |

  Scenario: Roles that list no objects access none
    Then the role "API Manager" cannot access any object
    And the role "Release Manager" cannot access any object
    And the role "Identity Admin" cannot access any object

  Scenario: There is no "all objects except" option
    When the role "Member" gets access to every object except:
      | object   |
      | employee |
    Then the change is rejected because "does not offer the mode `except`"

  Scenario: Granting all objects to a role
    When the role "Member" gets access to every object
    Then "olivia.brown@acme.example" can access every object
